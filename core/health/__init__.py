"""Community health: activity, responsiveness, newcomers, concentration and the other views' results
per community and period, with control-chart alerts (issue 28)."""
