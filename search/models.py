from django.db import models

from courses.models import Module


class Section(models.Model):
    """One searchable piece of a module: the text under one ``##``/``###`` heading, or before the first.

    Published sections hold what learners see; ``draft`` sections hold a module's newest unpublished
    revision, for trainers. The full-text side lives beside this table, created by migration 0001
    and touched only by search.backends: on PostgreSQL a ``document tsvector`` column with a GIN
    index, on SQLite the FTS5 table ``search_fts`` whose rowid is this row's id.
    """

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="+")
    draft = models.BooleanField(default=False)
    digest = models.CharField(max_length=64, help_text="What the rows were built from; unchanged means skip.")
    position = models.PositiveIntegerField()
    anchor = models.TextField(blank=True, help_text="The heading's id in the module page (empty: its top).")
    title = models.CharField(max_length=200)
    heading = models.TextField(blank=True)
    body = models.TextField(blank=True, help_text="Plain text; snippets are cut from it and escaped.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["module", "draft", "position"], name="unique_search_section_position"),
        ]

    def __str__(self) -> str:
        return f"{self.title} #{self.anchor}"
