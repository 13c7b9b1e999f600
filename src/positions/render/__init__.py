"""Views: terminal (rich), markdown, HTML and JSON renderings of library results."""
