from .hr import Cohort, CohortMember, CourseAssignment, DueDateExtension, ExportLog
from .learning import Certificate, Enrollment, ExerciseResult, ModuleProgress, Reflection
from .reminders import ReminderCategory, ReminderKind, ReminderLog, ReminderOptOut, ReminderRule

__all__ = [
    "Certificate", "Cohort", "CohortMember", "CourseAssignment", "DueDateExtension", "Enrollment", "ExerciseResult",
    "ExportLog", "ModuleProgress", "Reflection",
    "ReminderCategory", "ReminderKind", "ReminderLog", "ReminderOptOut", "ReminderRule",
]
