"""Models, the session factory and the migrations."""
