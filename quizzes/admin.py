from django.contrib import admin

from .models import Question, Quiz


class QuestionInline(admin.TabularInline):
    model = Question
    fields = ["order", "key", "kind", "version", "is_active"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = ["title", "version", "updated_at"]
    inlines = [QuestionInline]
