from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quizzes.models import Quiz, ReviewPolicy


class SourceTracked(models.Model):
    """Rows imported from a content file: its text, hash and the renderer version used."""

    slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    source = models.TextField()
    source_path = models.CharField(max_length=300, blank=True)
    content_hash = models.CharField(max_length=64)
    render_version = models.PositiveIntegerField()
    archived_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title


class Course(SourceTracked):
    description_html = models.TextField(blank=True)
    pass_mark = models.PositiveSmallIntegerField(default=80)
    max_attempts = models.PositiveSmallIntegerField(default=0, help_text=_("0 means unlimited"))
    cooldown_minutes = models.PositiveIntegerField(default=0)
    review = models.CharField(max_length=20, choices=ReviewPolicy.choices,
                              default=ReviewPolicy.AFTER_ATTEMPT)
    # The language the course text is written in (front matter ``language``), marked as its pages' lang;
    # the interface around it keeps the reader's language.
    language = models.CharField(max_length=10, default="zh-Hans")
    # 学时: the credit hours of a module that sets none, the category they count under, and the share
    # (percent) of a module's minutes of trusted active time needed before its credit counts
    # (None: settings.CREDIT_MIN_ACTIVE_PERCENT).
    credit_hours = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    credit_category = models.CharField(max_length=50, blank=True)
    credit_min_active = models.PositiveSmallIntegerField(null=True, blank=True)
    # Hash of the glossary and template files the modules' HTML was rendered against (empty: none).
    library_hash = models.CharField(max_length=64, blank=True)
    # Certificates expire this long after they are earned (a duration, courses.content.durations);
    # empty: they never expire. Renewal opens `recertify_within` before expiry.
    valid_for = models.CharField(max_length=20, blank=True)
    recertify_within = models.CharField(max_length=20, blank=True)
    # After a material change: "auto" assigns the changed modules to the affected people at once,
    # due `retrain_within` later; "hr" (default) leaves the assigning to HR.
    retrain = models.CharField(max_length=4, default="hr")
    retrain_within = models.CharField(max_length=20, blank=True)
    # The course revision: a number that goes up whenever the fingerprint of its live modules and
    # quiz versions changes (courses.revisions, the one place that computes it).
    revision_number = models.PositiveIntegerField(default=0)
    revision_fingerprint = models.CharField(max_length=64, blank=True)
    # The questions of content/<course>/_bank/, held as a quiz that no module shows.
    bank = models.OneToOneField(Quiz, null=True, blank=True, on_delete=models.PROTECT, related_name="bank_of")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["slug"], name="unique_course_slug")]


class CourseRevision(models.Model):
    """One state of a course's content: which module texts and quiz versions made it up."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    fingerprint = models.CharField(max_length=64)
    # module id -> {"slug", "hash" (its text), "revision" (ModuleRevision.number), "quiz" (version)}
    modules = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["course", "number"], name="unique_course_revision_number")]

    def __str__(self) -> str:
        return f"{self.course_id} r{self.number}"


class Part(SourceTracked):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="parts")
    order = models.PositiveSmallIntegerField()
    description_html = models.TextField(blank=True)

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="unique_part_slug_per_course")
        ]


class ModuleQuerySet(models.QuerySet):
    def live(self):
        return self.filter(archived_at__isnull=True)


class Module(SourceTracked):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="modules")
    order = models.PositiveSmallIntegerField()
    position = models.PositiveIntegerField(default=0, help_text="Order within the whole course.")
    minutes = models.PositiveSmallIntegerField()
    objectives = models.JSONField(default=list)
    body_html = models.TextField()
    toc = models.JSONField(default=list)
    required = models.BooleanField(default=True)
    # Renewing a certificate means retaking the recurring modules (none marked: the whole course).
    recurring = models.BooleanField(default=False)
    quiz = models.OneToOneField(Quiz, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="module")
    pass_mark = models.PositiveSmallIntegerField(null=True, blank=True)
    pass_mark_reason = models.CharField(max_length=300, blank=True)
    max_attempts = models.PositiveSmallIntegerField(null=True, blank=True)
    cooldown_minutes = models.PositiveIntegerField(null=True, blank=True)
    review = models.CharField(max_length=20, choices=ReviewPolicy.choices, blank=True)
    # Answer keys of the module's data exercises (courses.content.exercises.answer_sheet), by id.
    # Graded on the server; never rendered into the page.
    exercises = models.JSONField(default=dict, blank=True)
    credit_hours = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    credit_category = models.CharField(max_length=50, blank=True)

    objects = ModuleQuerySet.as_manager()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="unique_module_slug_per_course")
        ]

    @property
    def effective_pass_mark(self) -> int:
        return self.pass_mark if self.pass_mark is not None else self.course.pass_mark

    @property
    def effective_credit_hours(self) -> Decimal:
        return self.credit_hours if self.credit_hours is not None else self.course.credit_hours

    @property
    def effective_credit_category(self) -> str:
        return self.credit_category or self.course.credit_category

    @property
    def credit_min_active_seconds(self) -> int:
        """Trusted active time needed before this module's credit counts."""
        percent = self.course.credit_min_active
        if percent is None:
            percent = settings.CREDIT_MIN_ACTIVE_PERCENT
        return self.minutes * 60 * percent // 100


class Change(models.TextChoices):
    MATERIAL = "material", _("Material: certified people must learn it again")
    EDITORIAL = "editorial", _("Editorial: wording, typos, layout; nothing to relearn")


class ModuleRevision(models.Model):
    """One saved text of a module, from the browser editor or an import. Never edited, never deleted.

    A revision with ``published_at`` was (at that moment) what learners saw; one without it is a
    draft. The module row itself always holds the published text, rendered.
    """

    class Origin(models.TextChoices):
        EDITOR = "editor", _("Editor")
        IMPORT = "import", _("Import from files")
        RESTORE = "restore", _("Restore")
        REORDER = "reorder", _("Reorder or move")
        CREATE = "create", _("New module")

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    source = models.TextField()
    content_hash = models.CharField(max_length=64)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    origin = models.CharField(max_length=10, choices=Origin.choices)
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    # What publishing this text meant for certified people: material (they must retrain on this
    # module, reason says why) or editorial (nothing); blank for drafts, reorders and old rows.
    change = models.CharField(max_length=10, choices=Change.choices, blank=True)
    change_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["module", "number"], name="unique_revision_number_per_module")
        ]

    def __str__(self) -> str:
        return f"{self.module_id} #{self.number}"

    @property
    def is_draft(self) -> bool:
        return self.published_at is None


class GlossaryTerm(models.Model):
    """One entry of a course's glossary (``_glossary.md``), replaced as a whole on import."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="glossary_terms")
    key = models.SlugField(max_length=50)
    name = models.CharField(max_length=40)
    full_name = models.CharField(max_length=200, blank=True)
    aliases = models.JSONField(default=list, blank=True)
    definition_html = models.TextField()
    module_slug = models.SlugField(max_length=80)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["course", "key"], name="unique_glossary_key_per_course")]

    def __str__(self) -> str:
        return self.name


class CourseResource(models.Model):
    """A downloadable template (``_resources/<slug>.md`` or ``.yaml``): a printable page or a workbook."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Printable document")
        SHEET = "sheet", _("Spreadsheet")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="resources")
    slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    order = models.PositiveSmallIntegerField()
    body_html = models.TextField(blank=True)  # documents: sanitised HTML
    spec = models.JSONField(default=dict, blank=True)  # sheets: rows and formulas (courses.content.resources)
    source = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "slug"]
        constraints = [models.UniqueConstraint(fields=["course", "slug"], name="unique_resource_slug_per_course")]

    def __str__(self) -> str:
        return self.title
