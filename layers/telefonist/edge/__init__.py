"""The one HTTP edge of every REST route: who calls, what they may send, and one error body.

- `identity`: the caller from the Cognito authorizer's claims, and the one group check;
- `bounds`: a request body's limits (size, nesting, numbers, Unicode), checked before any parsing;
- `errors`: the error body and the one table that maps every exception to a status;
- `resolver`: the Powertools resolver each function's routes are registered on.
"""
