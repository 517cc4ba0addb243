from django.urls import path

from zichtbaar.impact import views

app_name = "impact"
urlpatterns = [
    path("me/impact/", views.my_impact, name="mine"),
    path("impact/sum/", views.the_sum, name="sum"),
    path("comms/impact/", views.dashboard, name="dashboard"),
    path("comms/impact/export.csv", views.export_csv, name="export_csv"),
    path("comms/impact/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("comms/impact/assumptions/", views.assumptions, name="assumptions"),
]
