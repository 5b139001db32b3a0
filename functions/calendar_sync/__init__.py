"""functions/calendar_sync: Microsoft Graph change notifications for followed calendars."""
