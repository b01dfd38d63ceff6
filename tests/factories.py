import factory

from accounts.models import User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    display_name = factory.Sequence(lambda n: f"学员{n}")
    department = "运营部"
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        from accounts.roles import role_grant

        for role in extracted or ["learner"]:
            role_grant(user=self, role=role)
        if create:
            self.save()
