"""A buurt's figures: statistics for coordinators and an anonymous export for funders."""
