"""The weekly digest: what it says and when it goes out."""
