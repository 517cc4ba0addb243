from django.urls import path

app_name = "impact"
urlpatterns: list = []
