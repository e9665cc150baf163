"""reporting reads objectives and organisation and stores nothing of its own yet."""
