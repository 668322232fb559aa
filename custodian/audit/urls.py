from django.urls import path

from custodian.audit import views

app_name = "transparency"
urlpatterns = [
    path("", views.index, name="index"),
    path("checkpoint", views.checkpoint, name="checkpoint"),
    path("heads/<id:number>.checkpoint", views.head, name="head"),
    path("log-keys.txt", views.log_keys, name="log_keys"),
    path("tile/<path:tile_path>", views.tile, name="tile"),
    path("consistency", views.consistency, name="consistency"),
    path("custodian_verify.py", views.verifier, name="verifier"),
]
