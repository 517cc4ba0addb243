from django.urls import path

app_name = "compose"
urlpatterns: list = []
