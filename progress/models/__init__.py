from .hr import Cohort, CohortMember, CourseAssignment, DueDateExtension, ExportLog
from .learning import Certificate, Enrollment, ModuleProgress, Reflection

__all__ = [
    "Certificate", "Cohort", "CohortMember", "CourseAssignment", "DueDateExtension", "Enrollment",
    "ExportLog", "ModuleProgress", "Reflection",
]
