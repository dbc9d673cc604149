from django.urls import path

from articles import feeds, views

app_name = "articles"

urlpatterns = [
    path("", views.article_list, name="list"),
    path("mine/", views.article_mine, name="mine"),
    path("new/", views.article_create, name="create"),
    path("feed/rss/", feeds.LatestArticlesFeed(), name="feed_rss"),
    path("feed/atom/", feeds.LatestArticlesAtomFeed(), name="feed_atom"),
    path("<id:pk>/edit/", views.article_edit, name="edit"),
    path("<id:pk>/delete/", views.article_delete, name="delete"),
    path("<id:pk>/react/", views.article_react, name="react"),
    path("<id:pk>/comments/", views.comment_create, name="comment_create"),
    path("comments/<id:pk>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<id:pk>/delete/", views.comment_delete, name="comment_delete"),
    path("follow/<id:pk>/", views.follow_toggle, name="follow"),
    path("<slug:slug>/", views.article_detail, name="detail"),
]
