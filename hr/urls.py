from django.urls import path

from . import compliance_views, views

app_name = "hr"
urlpatterns = [
    path("", views.report, name="report"),
    path("matrix/", views.matrix, name="matrix"),
    path("learners/<int:user_id>/", views.learner, name="learner"),
    path("learners/<int:user_id>/credit/", compliance_views.credit_statement, name="credit_statement"),
    path("learners/<int:user_id>/credit/pdf/", compliance_views.credit_statement_pdf, name="credit_statement_pdf"),
    path("learners/<int:user_id>/credit/add/", views.offline_credit_add, name="offline_credit_add"),
    path("learners/<int:user_id>/evidence/", compliance_views.learner_evidence, name="learner_evidence"),
    path("cohorts/<int:cohort_id>/evidence/", compliance_views.cohort_evidence, name="cohort_evidence"),
    path("credit/", compliance_views.credit_report, name="credit"),
    path("credit/ledger/", views.credit_export, name="credit_export"),
    path("learners/<int:user_id>/exam-time/", views.exam_time_extend, name="exam_time_extend"),
    path("export/", views.export, name="export"),
    path("exports/", views.export_log, name="export_log"),
    path("exports/<str:token>/", views.export_download, name="export_download"),
    path("audit/", views.audit_log, name="audit"),
    path("audit/export/", views.audit_export, name="audit_export"),
    path("cohorts/", views.cohort_list, name="cohorts"),
    path("cohorts/new/", views.cohort_create, name="cohort_create"),
    path("cohorts/<int:cohort_id>/", views.cohort_detail, name="cohort"),
    path("cohorts/<int:cohort_id>/assign/", views.cohort_assign, name="cohort_assign"),
    path("cohorts/<int:cohort_id>/members/<int:user_id>/remove/", views.cohort_member_remove,
         name="cohort_member_remove"),
    path("assignments/<int:assignment_id>/withdraw/", views.assignment_withdraw, name="assignment_withdraw"),
    path("certificates/<int:certificate_id>/revoke/", views.certificate_revoke, name="certificate_revoke"),
    path("retraining/", views.retraining, name="retraining"),
    path("retraining/<int:revision_id>/assign/", views.retraining_assign, name="retraining_assign"),
    path("enrollments/<int:enrollment_id>/extend/", views.enrollment_extend, name="enrollment_extend"),
]
