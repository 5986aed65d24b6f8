"""Training data: MIT-BIH beats (AAMI classes), the demonstration CRT cohort, a hospital's cohort."""
