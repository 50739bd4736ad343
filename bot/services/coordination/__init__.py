"""What coordinators do for their buurt: members, invites, broadcasts, moderation, groups, activities."""
