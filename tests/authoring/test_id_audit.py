"""Revision ids posted to a module's authoring URLs must belong to that module."""

from courses.models import Module, ModuleRevision
from tests.authoring.conftest import post_text


def test_a_revision_of_module_a_posted_as_the_base_of_module_b_is_refused(trainer_client, module):
    other = Module.objects.get(slug="m-1-2")
    foreign = other.revisions.order_by("-number").first()
    before = ModuleRevision.objects.count()
    response = post_text(trainer_client, module, module.source.replace("的正文。", "的正文，改。"), base=foreign.pk)
    assert response.status_code == 400
    assert "另一个模块的修订版本" in response.content.decode()
    assert ModuleRevision.objects.count() == before


def test_restoring_with_the_base_of_another_module_is_refused(trainer_client, module):
    other = Module.objects.get(slug="m-1-2")
    foreign = other.revisions.order_by("-number").first()
    number = module.revisions.order_by("-number").first().number
    before = ModuleRevision.objects.count()
    response = trainer_client.post(f"/trainer/courses/test-course/m-1-1/history/{number}/restore/",
                                   {"base": foreign.pk})
    assert response.status_code == 400
    assert ModuleRevision.objects.count() == before


def test_a_revision_number_of_another_module_is_not_found(trainer_client, module):
    other = Module.objects.get(slug="m-1-2")
    number = other.revisions.order_by("-number").first().number + 5
    assert trainer_client.get(f"/trainer/courses/test-course/m-1-1/draft/{number}/").status_code == 404
    assert trainer_client.post(f"/trainer/courses/test-course/m-1-1/history/{number}/restore/").status_code == 404
