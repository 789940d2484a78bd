"""What the numbers mean: exposure, demand, queueing, calibration, money, the Monte Carlo."""
