from django.urls import path

from messaging.consumers import ConversationConsumer

websocket_urlpatterns = [path("ws/messages/<id:pk>/", ConversationConsumer.as_asgi())]
