"""Deploy connector packages with Microsoft's paconn (create, update, server-side validate)."""
