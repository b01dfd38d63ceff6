from django.contrib.auth import authenticate, login
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def login_view(request):
    """The IdP's own sign-in page, reduced to what a test needs."""
    if request.method == "POST":
        user = authenticate(request, username=request.POST["username"], password=request.POST["password"])
        if user is None:
            return HttpResponse("bad credentials", status=403)
        login(request, user)
        return HttpResponseRedirect(request.POST["next"])
    return HttpResponse("<form method=post><input name=username><input name=password></form>")


urlpatterns = [path("login/", login_view), path("", include("oidc_provider.urls", namespace="oidc_provider"))]
