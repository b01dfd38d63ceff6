"""Start the test OpenID Connect provider: migrate a fresh database, create its RSA signing
key, the client and the users, bind 127.0.0.1:0 and print the port; serve until killed.

    python -m tests.oidc_idp.serve <db path> <client id> <client secret> <redirect uri>
"""

import os
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def main() -> None:
    db, client_id, secret, redirect_uri = sys.argv[1:5]
    os.environ["OIDC_IDP_DB"] = db
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_idp.settings"
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from oidc_provider.models import Client, ResponseType

    call_command("migrate", verbosity=0)
    call_command("creatersakey", stdout=open(os.devnull, "w"))  # noqa: SIM115 (stdout carries the port)
    client = Client.objects.create(name="Ops Academy", client_id=client_id, client_secret=secret,
                                   client_type="confidential", redirect_uris=[redirect_uri], require_consent=False,
                                   _scope="openid email profile")
    client.response_types.add(ResponseType.objects.get(value="code"))
    for username, email, verified, number in [("alice", "alice@corp.example", "verified", "A100"),
                                              ("mallory", "boss@corp.example", "unverified", "")]:
        User.objects.create_user(username, email, "idp-pass", first_name=verified, last_name=number)
    server = make_server("127.0.0.1", 0, get_wsgi_application(), server_class=ThreadingServer,
                         handler_class=QuietHandler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
