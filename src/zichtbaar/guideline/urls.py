from django.urls import path

app_name = "guideline"
urlpatterns: list = []
