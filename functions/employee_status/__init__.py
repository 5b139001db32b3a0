"""functions/employee_status: the employee's own status page's routes (`/employee/...`)."""
