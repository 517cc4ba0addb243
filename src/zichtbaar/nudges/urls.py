from django.urls import path

app_name = "nudges"
urlpatterns: list = []
