"""pmo — a Program Management Office system."""
