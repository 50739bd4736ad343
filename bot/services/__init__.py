"""The rules of neighbour help. No `telegram` import here: services take an AsyncSession and decide."""
