"""Articles mentors write, with comments, likes and dislikes, followers, feeds and a sitemap."""

PUBLISHED_KIND = "article_published"  # a mentor one follows (or had a session with) published an article
COMMENTED_KIND = "article_commented"  # someone commented on the author's article
