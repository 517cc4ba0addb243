from django.urls import path

from zichtbaar.workshops import views

app_name = "workshops"

urlpatterns = [
    path("workshops/", views.workshop_list, name="list"),
    path("workshops/<int:workshop_id>/", views.detail, name="detail"),
    path("workshops/<int:workshop_id>/step/", views.step, name="step"),
    path("workshops/<int:workshop_id>/moment/", views.choose_moment, name="choose_moment"),
    path("workshops/<int:workshop_id>/close/", views.close, name="close"),
    path("workshops/<int:workshop_id>/present/", views.present, name="present"),
    path("workshops/<int:workshop_id>/present/live/", views.present_live, name="present_live"),
    path("workshops/<int:workshop_id>/report/", views.report, name="report"),
    path("workshops/<int:workshop_id>/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("workshops/<int:workshop_id>/report.pdf", views.report_pdf, name="report_pdf"),
    path("w/", views.enter_code, name="enter_code"),
    path("w/off/<str:token>/", views.followups_off, name="followups_off"),
    path("w/<str:code>/", views.join, name="join"),
    path("w/<str:code>/step/", views.phone_step, name="phone_step"),
    path("w/<str:code>/<slug:what>/", views.answer, name="answer"),
]
