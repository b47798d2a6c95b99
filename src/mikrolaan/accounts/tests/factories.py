import factory

from mikrolaan.accounts.models import Unit, User
from mikrolaan.accounts.roles import Role

PASSWORD = "test-password-1"  # noqa: S105


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"unit-{n}")
    name = factory.Sequence(lambda n: f"Jobcenterenhed {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    # Fixed, unmistakable names: random ones collide with citizens' names in assertions.
    first_name = "Medarbejder"
    last_name = factory.Sequence(lambda n: f"Nr{n}")
    role = Role.PROJECT_LEADER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    class Params:
        project_leader = factory.Trait(role=Role.PROJECT_LEADER)
        benefits_caseworker = factory.Trait(role=Role.BENEFITS_CASEWORKER)
        job_consultant = factory.Trait(
            role=Role.JOB_CONSULTANT, unit=factory.SubFactory(UnitFactory)
        )
        knowledge_person = factory.Trait(
            role=Role.KNOWLEDGE_PERSON, unit=factory.SubFactory(UnitFactory)
        )
        finance_clerk = factory.Trait(role=Role.FINANCE_CLERK)
        evaluator = factory.Trait(role=Role.EVALUATOR)
        manager = factory.Trait(role=Role.MANAGER)
        administrator = factory.Trait(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
