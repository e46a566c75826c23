## Common interface
brand-tagline = Service requests
skip-to-content = Skip to content
switch-language = Français
sign-out = Sign out
nav-label = Main navigation
nav-my-requests = My requests
nav-new-request = New request
nav-unit-requests = My unit's requests
nav-queue = Work queue
footer-text = Guichet — school service centre. Your personal information is protected (Québec's Law 25).
back-home = Back to home
yes = Yes
nobody = Nobody
system-actor = Guichet
size-bytes = { $n } bytes

## Sign in
sign-in-title = Sign in
sign-in-intro = Sign in with your work email address.
email-label = Email address
password-label = Password
sign-in = Sign in
sign-in-failed = Wrong email address or password.

## Errors
error-title-403 = Access denied
error-title-404 = Page not found
error-title-500 = Something went wrong
error-title-other = Request not possible
error-code = Error code: { $status }
error-not-found = This page does not exist or you do not have access to it.
error-unauthenticated = Please sign in to continue.
error-forbidden = You are not allowed to do this.
error-invalid = Some fields need correcting.
error-bad-request = The request is malformed: { $detail }
error-conflict = This item already exists.
error-throttled = Too many sign-in attempts. Try again in a few minutes.
error-csrf = The form has expired. Reload the page and try again.
error-too-large = What you sent is too large.
error-unavailable = The service is busy right now. Try again in a moment.
error-internal = An unexpected error occurred. The technical team has been informed.

## Field validation
field-required = This field is required.
field-too-long = This text is longer than { $max } characters.
field-text = Enter text.
field-number = Enter a number (for example 12 or 12.5).
field-min = The value must be at least { $min }.
field-max = The value must be at most { $max }.
field-date = Enter a valid date (YYYY-MM-DD).
field-datetime = Enter a valid date and time.
field-time = Enter a valid time (for example 08:30).
field-choice = Choose one of the options offered.
field-checkbox = Check or uncheck the box.
field-unit-yours = Choose one of your units (its code, as GET /api/v1/request-choices gives them).
field-room = Choose a room of your unit (in the API: its id, given by /api/v1/request-choices).
field-unknown = This field is not part of this category's form.
field-cursor = This page link is no longer valid.
field-between = The value must be between { $min } and { $max }.
field-file = Choose a file to attach.
field-file-too-large = The file is larger than the { $max } MB allowed.

## Rules
request-no-unit = Your account belongs to no administrative unit yet, so you cannot submit requests.
request-final = This request is closed or cancelled: it can no longer be changed.
transition-same = The request already has this status.
transition-not-allowed = A request that is "{ $from }" cannot become "{ $to }".
transition-reopen-too-late = The { $days }-day period to reopen this request is over. Please submit a new request.
transition-needs-resolution = Describe the resolution before resolving the request.
transition-by-approval = This change happens through the request's approval.
approval-not-pending = This request is not waiting for any approval.
approval-reason-required = Give the reason for the refusal.
workflow-needs-new = The workflow needs a state of kind “new”.
workflow-needs-cancelled = The workflow needs a state of kind “cancelled” (for refusals and cancellations).
workflow-approval-exit = State “{ $state }” waits for an approval: a transition “taken on approval” must leave it.
workflow-state-in-use = { $n ->
    [one] One request is in state “{ $state }”: it cannot be removed or change kind.
   *[other] { $n } requests are in state “{ $state }”: it cannot be removed or change kind.
}
transition-needs-note = A note is required for this status change.
assign-team-domain = This team does not handle this domain.
assign-not-member = This person is not a member of the chosen team.

## Values
status = { $code ->
    [new] New
    [in_progress] In progress
    [waiting_requester] Waiting for requester
    [resolved] Resolved
    [closed] Closed
    [cancelled] Cancelled
    [awaiting_approval] Pending approval
    [waiting_supplier] Waiting for supplier
    [carrier_confirmed] Carrier confirmed
   *[other] { $code }
}
priority = { $code ->
    [low] Low
    [normal] Normal
    [high] High
    [urgent] Urgent
   *[other] { $code }
}
domain = { $code ->
    [materiel] Material resources
    [ti] Information technology
    [transport] Transportation
   *[other] { $code }
}
sort = { $code ->
    [newest] Newest first
    [oldest] Oldest first
    [updated] Last updated
    [due] Soonest due
    [priority] Priority
   *[other] { $code }
}

## Lists
my-requests-title = My requests
unit-requests-title = My unit's requests
queue-title = Work queue
my-requests-empty = No request matches. To get help, submit a new request.
queue-empty = No request matches these filters.
filters-label = Filter requests
filter-open = Open
filter-all = All
filter-any = Any
filter-apply = Filter
search-label = Search (words or number)
sort-label = Sort by
assignee-me = Me
assignee-none = Unassigned
col-number = Number
col-title = Title
col-status = Status
col-priority = Priority
col-unit = Unit
col-assignee = Assignee
col-updated = Updated
col-domain = Domain
col-team = Team
col-category = Category
col-room = Room
col-requester = Requester
col-created = Submitted
col-resolved = Resolved
pagination-label = Pagination
first-page = First page
next-page = Next page

## New request
new-request-title = New request
choose-domain = Which service is your request for?
choose-category = Choose the category that best describes your need.
change-domain = Change domain or category
required-legend = Fields marked with an asterisk (*) are required.
form-has-errors = The form has errors. Correct the fields shown below.
field-title = Title
field-description = Description
field-unit = Administrative unit
choose-option = — Choose —
submit-request = Submit the request

## Request page
description-heading = Description
no-description = No description.
timeline-heading = History
internal-note = Internal note
event-created = Submitted the request.
event-status = Status: { $from } → { $to }.
event-status-auto = Status: { $from } → { $to } (requester replied).
event-assigned = Changed the assignment.
event-attachment = Attached a file:
comment-heading = Add a comment
comment-label = Comment
internal-label = Internal note (never shown to the requester)
comment-submit = Post
details-heading = Details
status-heading = Status
status-action-label = Action
note-label = Note
note-help = Required to resolve (describe the resolution), to wait for the requester (your question), to cancel or to reopen (the reason).
status-submit = Apply
action-to = { $code ->
    [in_progress] Start working on it
    [waiting_requester] Wait for the requester
    [waiting_supplier] Wait for a supplier
    [carrier_confirmed] Confirm the carrier
    [resolved] Resolve
    [closed] Close
    [cancelled] Cancel the request
   *[other] Move to “{ $label }”
}
action-reopen = Reopen the request
action-confirm = Confirm the resolution
assign-heading = Assignment
assign-me = Assign to me
assign-submit = Assign
attachments-heading = Attachments
no-attachments = No attachments.
attach-label = File to attach
attach-help = Maximum size: { $max } MB.
attach-submit = Upload
flash-created = Your request has been submitted. You can follow it here.
flash-comment = Your comment has been posted.
flash-transition = The status has been updated.
flash-assign = The assignment has been updated.
flash-attachment = The file has been attached to the request.

## Administration
nav-admin = Administration
admin-nav-label = Administration sections
admin-units = Administrative units
admin-users = People
admin-teams = Support teams
admin-categories = Categories
admin-search = Search (name or email)
admin-empty = Nothing to show yet.
admin-back = Back to the list
admin-save = Save
admin-remove = Remove
admin-active = Active
admin-inactive = Inactive
admin-state = State
admin-name = Name
admin-code = Code
admin-code-help = Lowercase letters, digits and dashes; it cannot be changed later.
admin-kind = Unit type
admin-none = — None —
admin-name-fr = Name in French
admin-name-en = Name in English
admin-parent = Parent unit
admin-locale = Language
admin-new-unit = New unit
admin-new-user = New person
admin-new-password = New password
admin-password-help = At least 12 characters. Leave empty to keep it (or for single sign-on).
admin-role = Role
admin-roles = Roles by unit
admin-no-roles = No role: this person cannot do anything in Guichet.
admin-add-role = Add the role
admin-lead = Team lead
admin-new-team = New team
admin-members = Members
admin-no-members = No members.
admin-add-member = Add the member
admin-form = Form
admin-field-count = { $n ->
    [0] no field
    [one] 1 field
   *[other] { $n } fields
}
admin-new-category = New category
admin-description-fr = Description in French
admin-description-en = Description in English
admin-default-team = Default team
admin-default-priority = Default priority
admin-position = Display order
admin-form-help = Extra fields, as JSON: {"{"}"fields": [{"{"}"key": "local", "label_fr": "Local", "label_en": "Room", "type": "room", "required": true{"}"}]{"}"}. Types: text, long_text, number, date, datetime, time, select (with options), checkbox, room, asset.
unit-kind = { $code ->
    [school] School
    [vocational_centre] Vocational training centre
    [adult_centre] Adult education centre
    [service] Department
    [general_direction] Office of the Director General
   *[other] { $code }
}
role = { $code ->
    [requester] Requester
    [unit_manager] Unit director
    [technician] Technician
    [service_manager] Service manager
    [admin] Administrator
    [auditor] Privacy officer (auditor)
   *[other] { $code }
}
field-code = Use 2 to 40 lowercase letters, digits, dashes or underscores.
field-code-taken = This code is already in use.
field-length = Enter { $min } to { $max } characters.
field-email = Enter a valid email address.
field-email-taken = Someone already has this email address.
field-password = The password must have at least { $min } characters.
field-person-unknown = No active person has this email address.
field-form = The form is not valid: { $detail }
user-cannot-deactivate-self = You cannot deactivate your own account.
user-cannot-remove-own-admin = You cannot remove your own administrator role.
team-lead-must-stay = Choose another lead before removing this person from the team.
admin-rooms = Buildings and rooms
admin-no-rooms = No room: forms that ask for a room will have nothing to offer.
admin-add-room = Add the room
admin-building = Building
admin-room-name = Room use (optional)
field-room-taken = This room already exists in this building.
watchers-heading = People in copy
no-watchers = Nobody in copy.
watcher-email = Email address of the person to copy
watcher-add = Add to copy
flash-watchers = The people in copy have been updated.

## Service level agreement
sla-heading = Service level agreement (SLA)
sla-first-response = First response due
sla-resolution = Resolution due
sla-breached = Breached
sla-met = Met
sla-paused = Paused
sla-running = Running
sla-paused-since = Paused since { $since }
sla-why = Why this due date?
sla-why-policy = Policy "{ $policy }", counted in business hours of the "{ $calendar }" calendar (Québec holidays excluded), from submission.
sla-why-first = First response: { $target } of business time after submission.
sla-why-resolution = Resolution: { $target } of business time, plus { $paused } of business time spent waiting for the requester or after a resolution.
sla-due-then = due: { $due }
sla-paused-for = { $duration } paused
sla-event = { $clock ->
    [first_response] First response
   *[resolution] Resolution
}: { $kind ->
    [started] clock started
    [paused] clock paused
    [resumed] clock resumed
    [target_changed] target changed (priority)
    [met] met
    [breached] breached
   *[stopped] clock stopped
}
event-sla = { $kind ->
    [sla_breach] Breached
   *[sla_warning] Due soon
}: { $clock ->
    [first_response] first response
   *[resolution] resolution
}.
col-due = Due
priority-submit = Change the priority
flash-priority = The priority has been changed; the due dates were recomputed.
event-priority = Priority: { $from } → { $to }.
sla-admin-policies = SLA policies
sla-admin-calendars = Calendars
sla-admin-new-policy = New policy
sla-admin-new-calendar = New calendar
sla-admin-calendar = Calendar
sla-admin-default = Default
sla-admin-default-col = Default policy
sla-admin-is-default = Default policy (for categories without one)
sla-admin-warning = Warning at (% of the target)
sla-admin-warning-help = A warning is sent when this share of the target has elapsed (for example 75).
sla-admin-first = First response — { $priority } priority (business hours)
sla-admin-resolution = Resolution — { $priority } priority (business hours)
sla-admin-tz = Time zone
sla-admin-definition = Definition (JSON)
sla-admin-definition-help = "tz" (time zone), "week" (7 days from Monday, intervals ["07:30","16:30"]), "periods" (summer hours: "from", "to", "week"), "quebec_holidays" (Québec statutory holidays), "days_off" (closures, YYYY-MM-DD).
sla-default-needed = One policy must stay the default: choose another one first.
field-hours = Enter a number of hours above 0 (for example 4 or 0.5).
field-calendar = The calendar is not valid: { $detail }
admin-sla-policy = SLA policy
admin-sla-default-policy = — Default policy —
sla-admin-escalate-priority = Escalation on breach: raise the priority one step
sla-admin-escalate-team = Escalation on breach: hand the request to the team

## Workflows and approvals
admin-workflow = Workflow
admin-approval = Approval
approval-mode = { $code ->
    [none] No approval
    [director] By the requesting unit's director
    [group] By a named group
    [director_then_group] By the director, then by a named group
   *[other] { $code }
}
admin-approval-group = Approving group
admin-approval-field = Threshold field
admin-approval-field-help = Key of a number field of the form (e.g. cout_estime). Leave empty to always ask for approval.
admin-approval-threshold = Threshold (approval above this amount)
admin-confidential = Confidential category
admin-confidential-help = Restricted to the requester, named groups and auditors.
field-approval-field = Choose a number field of the form.
field-approval-group = Choose the approving group.
nav-approvals = To approve
approvals-title = Requests to approve
approvals-intro = These requests wait for your decision before work starts.
approvals-empty = No request is waiting for your approval.
approval-heading = Approval
approval-approver = { $code ->
    [director] Unit director
    [group] Group
   *[other] { $code }
}
approval-status = { $code ->
    [waiting] Upcoming
    [pending] Waiting for a decision
    [approved] Approved
    [refused] Refused
    [withdrawn] Withdrawn
   *[other] { $code }
}
approval-comment-label = Comment
approval-comment-help = Required to refuse: the reason is sent to the requester.
approval-approve = Approve
approval-refuse = Refuse
approval-decided = { $who }, { $when }
flash-approved = Your approval is recorded.
flash-refused = The refusal is recorded; the request is cancelled.
event-approval-requested = Approval requested.
event-approved = Approved the request.
event-refused = Refused the request.
event-status-approval = Status: { $from } → { $to } (approval decision).
col-requested-by = Requested by
col-step = Step
event-automation = Automation rule “{ $rule }” applied.
wf-admin-workflows = Workflows
wf-admin-new = New workflow
wf-admin-states = States
wf-admin-copy-from = Start from
wf-admin-copy-help = The states and transitions of this workflow are copied; you then adapt them.
wf-admin-diagram = States and transitions
wf-admin-no-transitions = No transition leaves this state.
wf-admin-problems = To fix before using this workflow:
wf-admin-add-state = Add or change a state
wf-admin-save-state = Save the state
wf-admin-state-code-help = Lowercase letters, digits and _; enter the code of an existing state to change its labels or kind.
wf-admin-label-fr = French label
wf-admin-label-en = English label
wf-admin-kind = Kind
wf-admin-add-transition = Add or change a transition
wf-admin-save-transition = Save the transition
wf-admin-from = From
wf-admin-to = To
wf-admin-note-required = Note required
wf-admin-on-approval = Taken on approval
wf-admin-on-approval-help = The transition is applied when the request is approved; nobody takes it by hand.
wf-admin-requests = { $n ->
    [0] no request
    [one] 1 request
   *[other] { $n } requests
}
wf-kind = { $code ->
    [new] new
    [open] in progress
    [pending] waiting (pauses the clock)
    [approval] approval (pauses the clock)
    [resolved] resolved
    [closed] closed
    [cancelled] cancelled
   *[other] { $code }
}
wf-role = { $code ->
    [requester] requester
    [unit_manager] unit director
    [technician] technician
    [service_manager] service manager
   *[other] { $code }
}
admin-groups = Groups
admin-new-group = New group
field-state-code = Lowercase letters, digits and _, 2 to 40 characters, starting with a letter.
field-transition-roles = Tick at least one role, or “Taken on approval”.

## Automation rules
auto-rules = Automation rules
auto-new = New rule
auto-when = When
auto-any = (any)
auto-event = { $code ->
    [created] on creation
    [status_changed] on a status change
    [comment_added] when a comment is added
    [field_changed] when the priority or assignment changes
   *[other] { $code }
}
auto-position-help = Rules apply in this order.
auto-if-category = If the category is
auto-if-domain = If the domain is
auto-if-unit = If the unit is
auto-if-priority = If the priority is
auto-if-status = If the status (after the event) is
auto-if-field = If the form field (key)
auto-if-field-help = For instance cout_estime; leave empty to ignore form fields.
auto-if-field-op = Comparison
auto-if-field-value = Compared value
auto-op = { $code ->
    [eq] equals
    [contains] contains
    [gt] is greater than
    [lt] is less than
   *[other] { $code }
}
auto-if-text = If the text contains
auto-if-text-help = Words searched in the title, description and comment, accents ignored.
auto-then-team = Then assign to the team
auto-then-assignee = Then assign to the person (email)
auto-then-assignee-help = The person must be a member of the request's team.
auto-then-priority = Then set the priority to
auto-then-watcher = Then put in copy (email)
auto-then-note = Then add the internal note
auto-then-notify = Then notify by email (email)
field-rule-events = Tick at least one event.
field-rule-actions = Choose at least one action.

## Recurring requests
rec-title = Recurring requests
rec-new = New recurring request
rec-frequency = Frequency
rec-kind = { $code ->
    [weekly] Every week
    [monthly] Every month
    [yearly] Every year
   *[other] { $code }
}
rec-every = { $kind ->
    [weekly] Every week (day { $day })
    [monthly] Every month, on the { $day }
    [yearly] Every year, on { $month }/{ $day }
   *[other] { $kind }
}
rec-next = Next
rec-created = Created
rec-requester = Requester (email)
rec-requester-help = Requests are created in this person's name; each unit's director sees them too.
rec-month = Month (yearly)
rec-month-name = { $n ->
    [1] January
    [2] February
    [3] March
    [4] April
    [5] May
    [6] June
    [7] July
    [8] August
    [9] September
    [10] October
    [11] November
   *[12] December
}
rec-day = Day
rec-day-help = Weekly: 1 = Monday … 7 = Sunday. Otherwise the day of the month (31 = the month's last day).
rec-starts-on = Starting on
rec-starts-on-help = YYYY-MM-DD; today if empty. No request is created for an earlier date.
rec-category-priority = The category's priority
rec-fields = Form values (JSON)
rec-fields-help = For instance {"{"} "article": "IWB" {"}"}; checked against the category's form.
rec-unit = For the unit
field-recurring-units = Tick at least one unit.

## Email and preferences
profile-title = My profile
profile-language = Language of pages and emails
profile-notifications = Email notifications
profile-notify-all = One email per event
profile-notify-digest = One summary a day (approvals and exceeded times arrive at once)
profile-notify-essential = Only approvals and exceeded times
profile-notifications-help = Approvals to give and exceeded times are always sent to you.
profile-saved = Your preferences are saved.
email-admin-title = Emails
email-admin-templates = Templates
email-admin-templates-help = Each template exists in French and English (subject, HTML and text); the preview uses a sample request.
email-admin-failed = Emails not sent
email-admin-no-failed = No failed email.
email-admin-recipient = Recipient
email-admin-template = Template
email-admin-error = Error (attempts)
email-admin-when = Since
email-admin-resend = Resend
email-admin-subject = Subject
email-admin-html = HTML version
email-admin-text = Text version
email-template = { $code ->
    [request_created] Acknowledgement to the requester
    [request_for_team] New request for the team
    [assigned] Request assigned
    [comment] New comment
    [internal_note] Internal note
    [status_changed] Status change
    [approval_needed] Approval requested
    [approval_given] Request approved
    [approval_refused] Request refused
    [sla_warning] Due soon
    [sla_breach] Time exceeded
    [automation_notice] Automation rule notice
    [digest] Daily summary
    [inbound_refused] Email not applied
    [inbound_unknown] Unknown sender
   *[other] { $code }
}

## Inbound mail
inbound-not-allowed = You cannot write to this request, or it does not exist.
inbound-unknown-command = Unknown command.
inbound-no-resolved-state = This request's process has no “resolved” state.
inbound-unknown-status = No state “{ $name }” in this request's process.
inbound-unknown-person = Nobody has the address { $email }.
inbound-no-category = New requests are not submitted by email: please use Guichet's form.
inbound-use-form = This category needs information only Guichet's form collects: please submit the request online.
inbound-untitled = Request received by email
inbound-attachment-dropped = [Attachment not kept: { $name } ({ $size }), larger than the { $max } limit.]
inbound-attachment-damaged = [Attachment not kept: { $name }, its encoding is damaged.]
inbound-empty = The message holds no new text and no attachment: there was nothing to add.
inbound-internal-staff-only = Only support staff can write an internal note: the line was left in your comment.
inbound-file-too-large = A { $size } file, larger than the { $max } limit: it was not kept. Put it in a shared space and send the link.
inbound-file-program = Programs and scripts are not accepted: the file was not kept.
inbound-file-damaged = The file arrived damaged (unreadable encoding): it was not kept. Attach it again.
event-by-email = by email
mail-heading = Email received
mail-from = Sender
mail-subject = Subject
mail-received = Received
mail-full-text = Full text, quoted history included
mail-back = Back to the request
inbound-admin-received = Email received
inbound-admin-received-help = The latest 100 messages received (IMAP, relay or API) and what Guichet did with each. Auto-replies, bounces and read receipts are recorded and ignored.
inbound-admin-none = No email received.
inbound-admin-outcome = Outcome
inbound-admin-undeliverable = Undeliverable addresses
inbound-admin-undeliverable-help = A permanent bounce (no such address) marked these addresses: Guichet no longer writes to them. Restore an address once its mailbox works again.
inbound-admin-no-undeliverable = No address marked.
inbound-admin-clear = Restore
inbound-outcome = { $code ->
    [received] Waiting
    [applied] Applied to the request
    [created] New request
    [ignored] Ignored
    [rejected] Rejected
    [refused] Refused
   *[other] { $code }
}
inbound-reason = { $code ->
    [auto_reply] auto-reply
    [bounce] delivery failure report
    [receipt] read receipt
    [loop] our own message
    [unknown_sender] unknown sender
    [forbidden] beyond the sender's rights
    [command] command refused
    [no_category] new requests by email turned off
    [invalid] incomplete request
    [empty] no new text
    [unreadable] unreadable message
    [malformed] malformed message
    [spoofed] forged sender (authentication failed)
    [attachment] attachment not kept
   *[other] { $code }
}
admin-aliases = Other email addresses
admin-no-aliases = No other address: only email from the main address is recognized.
admin-alias = Address
admin-add-alias = Add the address

## Inventory
nav-assets = Inventory
assets-title = Inventory
assets-back = ← Back to the inventory
assets-empty = No equipment matches these filters.
asset-new = Add equipment
asset-edit = Edit equipment { $label }
asset-edit-button = Edit
asset-tag = Inventory number
asset-tag-help = The number on the label: letters, digits, dot, hyphen or underscore.
asset-serial = Serial number
asset-type = Type
asset-type-help = Only needed for a model not known yet.
asset-maker = Maker
asset-model = Model
asset-unit = Owning unit
asset-building = Building
asset-search-help = Inventory number, serial number, model or a word from the notes.
asset-assigned-to = Assigned to
asset-assigned-help = The person's email; leave empty to remove the assignment.
asset-purchase-date = Purchase date
asset-purchase-cost = Purchase cost
asset-cost-help = In dollars, for example 899.99.
asset-warranty-end = Warranty end
asset-under-warranty = Under warranty
asset-notes = Notes
asset-no-room = No room
asset-requests = Linked requests
asset-no-requests = No request is linked to this equipment.
asset-history = History
asset-label = Label
asset-qr-alt = QR code leading to the page of equipment { $label }
asset-print-label = Print the label
asset-print-labels = Print this page's labels
asset-labels = Labels
asset-labels-help = Use the browser's print command; each label is 5 cm by 2.5 cm.
asset-actions = Actions
asset-change-status = New status
asset-status-note = Remark (optional)
asset-status-request = Linked request (optional)
asset-status-request-help = For example DS-000123, for a repair.
asset-change-status-button = Change status
asset-move-unit = Move to unit
asset-move-help = The rooms offered are the current unit's; after a change of unit, pick the room next.
asset-move-button = Move
asset-assign-button = Save the assignment
date-help = Format YYYY-MM-DD.
asset-status = { $code ->
    [in_stock] In stock
    [deployed] Deployed
    [on_loan] On loan
    [in_repair] In repair
    [missing] Missing
    [retired] Retired
   *[other] { $code }
}
asset-event = { $kind ->
    [created] Equipment added as "{ $to }".
    [status_changed] Status changed from "{ $from }" to "{ $to }".
    [moved] Moved to { $name }.
    [assigned] Assignment: { $who }.
    [imported] Updated by an import.
    [request_linked] Linked to request { $label }.
   *[other] Record edited.
}
asset-done = { $kind ->
    [created] The equipment was added.
    [saved] The changes were saved.
    [status] The status was changed.
    [moved] The equipment was moved.
    [assigned] The assignment was saved.
   *[other] Done.
}
flash-asset = The equipment's status was changed.
asset-number-taken = Another piece of equipment already has this number.
asset-tag-invalid = This inventory number is not valid: letters, digits, dot, hyphen or underscore, 40 characters at most.
asset-person-unknown = No active person has this address.
asset-model-other-type = This model is already recorded with another type.
asset-status-refused = Equipment that is "{ $from }" cannot become "{ $to }".
field-asset = Choose equipment of your unit by its inventory number (in the API: given by /api/v1/request-choices).
asset-choose-help = The inventory number is printed on the device's label.

## Equipment import
import-title = Import equipment
import-intro = Import the CSV export of your inventory tool (Lansweeper, Intune, Jamf or a spreadsheet). You will then choose the columns; you can check the file first without saving anything.
import-file = CSV file
import-file-help = Separated by commas, semicolons or tabs; UTF-8, UTF-16 or Windows-1252.
import-upload = Upload
import-file-facts = { $n } lines · { $label } encoding · "{ $name }" separator
import-preset-label = Source tool
import-preset = { $code ->
    [auto] Automatic detection
    [guichet] Guichet (French columns)
    [lansweeper] Lansweeper
    [intune] Microsoft Intune
    [jamf] Jamf Pro
   *[other] { $code }
}
import-apply-preset = Suggest the columns
import-mapping = Column mapping
import-mapping-help = For each piece of information, choose the file's column. Unused columns are kept as they are on the record. Known equipment is updated by its inventory or serial number.
import-target = { $code ->
    [tag] Inventory number
    [serial] Serial number
    [type] Type
    [maker] Maker
    [model] Model
    [status] Status
    [unit] Unit
    [building] Building
    [room] Room
    [assigned_to] Assigned to (email)
    [purchase_date] Purchase date
    [purchase_cost] Purchase cost
    [warranty_end] Warranty end
    [notes] Notes
   *[other] { $code }
}
import-not-imported = — not imported —
import-default-unit = Unit for lines without one
import-default-type = Type for lines without one
import-no-default = None
import-check = Check without importing
import-run = Import
import-preview = Preview of the first lines
import-dry-run = Result of the check (nothing was saved)
import-done = Import complete
import-count = { $kind ->
    [created] { $n } item(s) to add
    [updated] { $n } item(s) to update
    [unchanged] { $n } item(s) unchanged
   *[new_models] { $n } new model(s)
}
import-ready = No errors: you can import.
import-has-errors = { $n } error(s): nothing was saved. Correct the file or the mapping, then try again.
import-errors-caption = Errors by line
import-line = Line
import-column = Column
import-reason = Problem
import-more-errors = … and { $n } more error(s).
import-not-csv = This file is not a readable CSV file.
import-unreadable-line = Line { $n } cannot be read (an unclosed quote?).
import-column-count = The line has { $n } column(s) instead of { $max }.
import-duplicate = This number already appears on line { $n } of the file.
import-unknown = Unknown value: "{ $label }".
request-assets = Linked equipment

## Equipment loans
nav-loans = Loans
no = No
asset-loanable = Loanable
asset-loanable-help = The owning unit's lending desk may lend this equipment.
asset-reserve = Book this equipment
loans-title = My loans
loans-mine = My loans and bookings
loans-none-mine = You have no loan or booking.
loans-none = No loans.
loans-to-approve = Loans to approve
loans-desk = Lending desk
loans-back = ← Back to loans
loans-overdue = Overdue
loans-hand-over = To hand over today
loans-due-today = Returns expected today
loans-out = All loans out
loans-availability = Availability
loan-new = Book equipment
loan-title = Loan no. { $n }
loan-col-number = Loan
loan-col-what = Equipment
loan-col-borrower = Borrower
loan-col-period = Period
loan-overdue = Overdue
loan-asset = Equipment (inventory number)
loan-pool = Model and lending desk
loan-pool-help = In brackets: how many devices this desk lends.
loan-quantity = Quantity
loan-starts = Loan start
loan-due = Return date
loan-purpose = Intended use
loan-borrower-email = Borrower (email)
loan-borrower-help = Leave empty to book in your own name.
loan-reserve = Book
loan-lender = Lent by
loan-decision-note = Decision
loan-acknowledged = Conditions accepted
loan-not-acknowledged = Not yet
loan-items = Equipment lent
loan-items-at-checkout = The devices are picked at the desk when handed over.
loan-handed-over = Handed over
loan-returned = Return
loan-conditions = Loan conditions
loan-acknowledge = I accept the loan conditions
loan-decide = Director's decision
loan-refuse-reason = Reason for refusing (required to refuse)
loan-checkout = Hand over the equipment
loan-checkout-assets = Inventory numbers handed over
loan-checkout-help = Optional: scan or type the numbers to check they are the booked devices.
loan-checkout-pool-help = Scan or type { $n } inventory number(s), one per line.
loan-ack-at-desk = The borrower accepts the loan conditions, here at the desk
loan-checkout-button = Hand over
loan-checkin = Return of the equipment
loan-checkin-help = Give the condition of each device brought back; the others stay out. A remark is required for a damaged or missing device.
loan-condition-label = Condition on return
loan-stays-out = Not brought back today
loan-condition-note = Remark
loan-borrower-agrees = The borrower agrees with this report
loan-checkin-button = Record the return
loan-extend = Extend or cancel
loan-new-due = New return date
loan-extend-button = Extend
loan-cancel-button = Cancel the booking
loan-view = View
loan-view-week = Week
loan-view-month = Month
loan-previous = ← Previous
loan-next = Next →
loan-capacity = { $name }: { $n } loanable device(s).
loan-availability-caption = Availability of { $name }
loan-available-row = Available
loan-busy = Booked
loan-free = Free
loan-choose-pool = Choose a model and a lending desk to see its availability.
weekday-short = { $n ->
    [0] Mon
    [1] Tue
    [2] Wed
    [3] Thu
    [4] Fri
    [5] Sat
   *[6] Sun
}
loan-status = { $code ->
    [requested] Awaiting approval
    [approved] Booked
    [refused] Refused
    [checked_out] On loan
    [returned] Returned
    [cancelled] Cancelled
   *[other] { $code }
}
loan-condition = { $code ->
    [ok] In good condition
    [damaged] Damaged
    [missing] Missing
   *[other] { $code }
}
loan-event = { $kind ->
    [reserved] Booked.
    [approved] Loan approved by the director.
    [refused] Loan refused by the director.
    [checked_out] Equipment handed over.
    [acknowledged] Loan conditions accepted.
    [extended] Return date extended.
    [returned] Equipment brought back.
    [cancelled] Booking cancelled.
    [reminded] Reminder sent the day before the return.
    [overdue] Overdue notice sent.
    [escalated] The unit's director was told of the delay.
   *[other] { $kind }
}
loan-done = { $kind ->
    [reserved] The booking is recorded.
    [approve] The loan is approved.
    [refuse] The loan is refused.
    [acknowledge] You accepted the loan conditions.
    [checkout] The equipment is handed over.
    [checkin] The return is recorded.
    [extend] The return date is extended.
    [cancel] The booking is cancelled.
   *[other] Done.
}
loan-asset-booked = Equipment { $label } is already booked or out during this period.
loan-not-available = Not enough equipment free for the whole period: { $n } available.
loan-too-long = A loan of this type of equipment lasts { $days } days at most.
loan-due-before-start = The return date must come after the start.
loan-in-the-past = A loan cannot start in the past.
loan-asset-not-lendable = Equipment { $label } does not exist or is not lent.
loan-what = Choose equipment, or a model, a lending desk and a quantity.
loan-one-lender = All the equipment of a booking must come from the same lending desk.
loan-not-waiting = This loan is not waiting for a decision.
loan-closed = This loan is over.
loan-needs-approval = This loan is waiting for the unit director's approval.
loan-ack-required = The borrower must accept the loan conditions before the handover.
loan-due-passed = The return date has passed: extend the loan or book again.
loan-quantity-mismatch = Give exactly { $n } inventory number(s).
loan-asset-not-in-pool = Equipment { $label } is not an available device of this model at this desk.
loan-asset-not-in-loan = Equipment { $label } is not part of this loan.
loan-nothing-returned = Give the condition of at least one device brought back.
loan-condition-note-required = Describe the condition of the damaged or missing device.
loan-not-out = This loan is not out.
loan-no-repair-category = No IT category can take the repair request.
loan-extend-later = The new return date must come after the current one.
loan-not-cancellable = Only a booking whose equipment was not handed over can be cancelled.
loan-range-too-long = Choose a period of 92 days at most.
loan-asset-still-out = Equipment { $label } has not come back from its previous loan: hand over another device or wait for its return.
admin-asset-types = Asset types
admin-new-asset-type = New asset type
admin-edit-asset-type = Edit the asset type
type-max-loan-days = Longest loan (days)
type-max-loan-days-help = From 1 to 400 days.
type-loan-approval = Loan approved by the unit's director
loan-catalog-help = Equipment loan: laptop, Chromebooks, projector… for a period.

## Audit log
nav-audit = Audit log
audit-title = Log of changes and reads
audit-help = Every change and every read of personal information is recorded here and can be neither changed nor erased.
audit-trails = Logs
audit-changes = Changes
audit-reads = Reads of personal information
audit-person = Person (email)
audit-entity = Kind of record
audit-entity-help = For example request, user, asset, loan.
audit-record = Record
audit-action = Action (or its beginning)
audit-from = From
audit-to = To
audit-export = Export to CSV
audit-empty = No entry matches these filters.
audit-col-at = Date
audit-col-who = Person
audit-col-email = Email
audit-col-action = Action
audit-col-record = Record
audit-col-ip = IP address
audit-col-data = Details

## Retention and anonymization (Loi 25)
retention-title = Retention
retention-help = Personal information is kept only as long as needed. Every night Guichet deletes the attachments of requests closed for longer than the set delay, then anonymizes the requests: the requester's name, email addresses and mentions are replaced by « [personne anonymisée] ». Statistics (category, unit, dates, delays) remain.
retention-policies = Retention policies
retention-scope = Applies to
retention-anonymize = Anonymization
retention-attachments = Attachment deletion
retention-default = All requests (default)
retention-domain = Domain: { $name }
retention-category = Category: { $name }
retention-never = never
retention-days = { $n } days after closing
retention-days-years = { $n } days after closing (about { $years } years)
retention-remove = Remove
retention-set = Set or replace a policy
retention-anonymize-days = Anonymize requests closed for (days)
retention-attachments-days = Delete their attachments after (days)
retention-days-help = From 1 to 36,500 days; leave empty for never. The most specific policy wins: category, then domain, then the default policy.
retention-save = Save the policy
retention-saved = The retention policy is saved.
retention-removed = The policy is removed; the broader policy applies again.
retention-default-stays = The default policy cannot be removed; change its delays instead.
retention-preview = Preview without changing anything
retention-preview-help = Shows what the nightly job would do on the chosen date, without changing anything. The preview is recorded in the history.
retention-at = As of
retention-preview-button = Show the preview
retention-busy = A run is already in progress on another server; try again in a few minutes.
retention-would-anonymize = { $n ->
    [0] No request to anonymize.
    [one] One request would be anonymized:
   *[other] { $n } requests would be anonymized:
}
retention-would-purge = { $n ->
    [0] No attachment to delete.
    [one] One attachment would be deleted ({ $size } MB):
   *[other] { $n } attachments would be deleted ({ $size } MB):
}
retention-runs = Run history
retention-no-runs = No run yet. The first one happens tonight.
retention-col-when = Date
retention-col-kind = Kind
retention-col-who = By
retention-col-anonymized = Requests anonymized
retention-col-purged = Attachments deleted
retention-dry = Preview
retention-real = Run
attachment-purged = This attachment was deleted under the retention policy.
attachment-purged-short = deleted (retention)

## Export of a person's information
export-page-title = Information held about a person
export-page-help = To answer an access request, produce a ZIP file of everything Guichet holds about a person: profile, requests, interventions, email, loans, equipment and the access log. Producing the export is recorded in the log.
export-email = The person's email address
export-button = Produce the export (ZIP)
export-back = Back to the log
export-unknown-person = Nobody has this address in Guichet.
export-title = Information held about { $name }
export-intro = This document summarizes what Guichet holds about the person with the address { $email }, as of
export-contents = Contents of the export
export-col-file = File
export-col-holds = Contents
export-col-rows = Items
export-requests = Requests
export-loans = Equipment loans
export-attachments = Attachments uploaded (included in the pieces-jointes folder)
export-none = None.
export-col-number = Number
export-col-title = Title
export-col-status = Status
export-col-created = Created
export-col-from = From
export-col-to = To
export-col-purpose = Purpose
export-footer = The JSON files hold every item in full. For any question, contact your school service centre's person in charge of the protection of personal information.
export-profile = Profile: name, address, language, roles, teams, groups, sessions, API tokens, sign-in attempts
export-requests-file = Requests made by the person
export-events = The person's interventions in requests (comments, changes)
export-watching = Requests followed
export-attachments-file = Attachments uploaded
export-approvals = Approvals given or refused
export-ratings = Satisfaction ratings given
export-mail-in = Email received from the person
export-mail-out = Email sent to the person
export-loans-file = Equipment loans
export-assets = Equipment assigned to the person
export-trail-about = Reads and changes of their record
export-trail-by = The person's actions in Guichet (log)
incident-register = Register of confidentiality incidents (CSV)
incident-col-declared = Declared on
incident-col-by = Declared by
admin-email-rectify-help = Correct the address if needed: the person will sign in and receive email at the new address. The correction is recorded in the log.
attachment-executable = This file is a program or a script: it cannot be attached to a request. Put it in a shared folder instead and say where.
inbound-attachment-program = [Attachment not kept: { $name }, a program or a script.]
profile-sessions = Sessions
profile-sessions-help = A session ends after a period of inactivity and at the latest { $n } hours after signing in. If you forgot to sign out on another computer, end all your sessions.
profile-sign-out-everywhere = Sign out everywhere

## Departures and moves
departure-title = Departures and moves
departure-help = The decision matrix of the IT management practice (annex 9): for each access and each situation, what happens from the effective date. A « Départ ou mutation d'un employé » request creates one task per access to withdraw or delete, with its due date. Any exception must be signed by the unit director or the Office of the Director General.
departure-resource = Access
departure-phase-withdraw = withdrawal
departure-phase-delete = deletion
departure-cell-keep = Kept
departure-cell-none = Never
departure-cell-now = Immediately
departure-cell-after-30d = After 30 days
departure-cell-after-30d-except = After 30 days (HR, finance, IT immediately)
departure-cell-after-13m = After 13 months
departure-cell-after-36m = After 36 months
departure-save = Save the matrix
departure-saved = The decision matrix is saved.
departure-tasks = Departure tasks
departure-parent = Created by request
departure-due = Due:

## Transport
nav-transport = Transportation
nav-trips = My trips
trip-calendar = Trip calendar
trip-upcoming = Upcoming trips
trip-upcoming-intro = Upcoming trips of the requests you may read, soonest first.
trip-upcoming-empty = No upcoming trips.
trip-new = Ask for transportation
trip-view = { $code ->
    [day] Day
    [week] Week
   *[month] Month
}
trip-week = Week of { $from } to { $to }
trip-prev = ← Previous
trip-next = Next →
trip-today = Today
trip-layout-table = Table view
trip-layout-grid = Calendar view
trip-filter-carrier = Carrier
trip-filter-unit = Unit
trip-filter-all = All
trip-filter-apply = Show
trip-count = { $n ->
    [0] No trips in this period.
    [one] One trip in this period.
   *[other] { $n } trips in this period.
}
trip-month-caption = Trips of { $month }, by day
weekday = { $n ->
    [0] Monday
    [1] Tuesday
    [2] Wednesday
    [3] Thursday
    [4] Friday
    [5] Saturday
   *[6] Sunday
}
trip-col-date = Date
trip-col-time = Times
trip-col-unit = Unit
trip-col-destination = Destination
trip-col-passengers = Passengers
trip-col-vehicle = Vehicles
trip-col-carrier = Carrier
trip-col-status = Status
trip-col-warnings = To check
trip-no-carrier = To confirm
trip-cancelled = cancelled
trip-export = Export this carrier's week (CSV)
trip-section = Trip
trip-departs = Departure
trip-returns = Return
trip-origin = Pick-up place
trip-destination = Destination
trip-passengers = Passengers (students + adults)
trip-wheelchairs = Wheelchair places
trip-vehicle = Vehicles
trip-budget = Budget code
trip-notes = Notes for the carrier
trip-urgent = Urgent request
trip-carrier = Carrier
trip-confirmed-at = Confirmed on { $when }
trip-carrier-pending = No carrier confirmed yet.
trip-change = Change the trip
trip-change-intro = Changes to a trip already confirmed are sent to the carrier.
trip-change-save = Save the changes
trip-confirm-heading = Confirm the carrier
trip-confirm-carrier = Carrier
trip-confirm-note = Message to the requester (optional)
trip-confirm-submit = Confirm and tell the requester
trip-warnings = To check
trip-no-passenger = Enter at least one passenger (student or adult).
trip-date-past = The trip date has already passed.
trip-notice = Transportation must be asked for at least { $days } business days ahead: the first possible date is { $date }. For an urgent need, explain why.
trip-urgency-needed = Explain why this trip cannot wait for the minimum notice.
trip-return-before = The return must be after the departure.
field-whole-number = Enter a whole number.
trip-warn-capacity = { $n } passengers for { $max } seats: plan one more vehicle or a bigger one.
trip-warn-wheelchair = { $n } wheelchair place(s) asked for, { $max } offered by these vehicles.
trip-warn-carrier-type = This carrier has no vehicle of this type.
trip-warn-overbooked = This carrier would need { $n } vehicles of this type at the same time; it has { $max }.
trip-change-closed = This trip is done or cancelled: it can no longer be changed.
trip-no-confirm-state = This request's process has no “Carrier confirmed” state.
trip-needs-carrier = Choose the carrier first: a trip is confirmed with its carrier.
trip-period = The period must go from a date to a later date, over at most 366 days.
carrier-name-taken = A carrier already has this name.
flash-trip = The trip was changed.
flash-carrier = The carrier is confirmed and the requester was told.
carriers-title = Carriers
carriers-intro = The carriers the Transportation Department entrusts trips to, with their fleet: it is used to flag bookings beyond their capacity.
carriers-empty = No carriers yet.
carrier-name = Name
carrier-contact = Contact person
carrier-email = Email
carrier-phone = Phone
carrier-english = Write to this carrier in English
carrier-active = Active
carrier-inactive = inactive
carrier-fleet = Fleet
carrier-fleet-help = Number of vehicles of each type (leave empty if none).
carrier-add = Add a carrier
carrier-edit = Edit { $name }
carrier-save = Save
carrier-cancel = Cancel
vehicle-types = Vehicle types
vehicle-capacity = { $n } seats, including { $max } for wheelchairs
transport-notice = Minimum notice
transport-notice-label = Business days of notice to ask for transportation
transport-notice-save = Save the notice
transport-saved-carrier = The carrier was saved.
transport-saved-settings = The minimum notice was saved.
feeds-title = Calendar subscriptions
feeds-intro = A subscription link (.ics) gives a carrier's or a unit's trip calendar to Outlook, Google Calendar or a phone. It is secret: anyone who has it sees these trips. It is shown only once; revoke it if it got around.
feeds-empty = No active subscription link.
feed-for = Calendar of
feed-create = Create a subscription link
feed-created = The link was created. Copy it now: it will not be shown again.
feed-revoked = The link was revoked.
feed-new-url = New subscription link
feed-col-for = For
feed-col-created = Created
feed-col-used = Last used
feed-never = Never
feed-revoke = Revoke
feed-group-carriers = Carriers
feed-group-units = Units
csv-number = Request
csv-date = Date
csv-departure = Departure
csv-return = Return
csv-unit = Unit
csv-origin = Pick-up place
csv-destination = Destination
csv-address = Address
csv-students = Students
csv-adults = Adults
csv-wheelchairs = Wheelchairs
csv-adapted = Adapted vehicle
csv-vehicle = Vehicle type
csv-vehicles = Vehicles
csv-budget = Budget code
csv-notes = Notes for the carrier
csv-status = Status

## Single sign-on
sso-sign-in = Sign in with the service centre account
sso-or-password = Or, if you have a Guichet password:
oidc-unavailable = The sign-in service is not answering. Try again in a few minutes.
oidc-expired = This sign-in expired or was already used. Start again from the sign-in page.
oidc-refused = The sign-in service did not confirm who you are. Start again from the sign-in page.
oidc-no-email = The sign-in service gave no verified email address: Guichet cannot tell who you are.
oidc-inactive = Your Guichet account is deactivated. Contact IT support.
pending-title = Your account is waiting to be placed
pending-text = Your Guichet account was created when you first signed in. An administrator must now attach it to your unit (school, centre or service) before you can make requests.
pending-next = There is nothing for you to do: come back later, or contact IT support if it is urgent.
admin-to-place = Only people to place (without a role)

## Dashboards
nav-dashboard = Dashboard
dashboard-title = Dashboard
dashboard-board = The whole service centre
dashboard-scope = Scope
dashboard-period-label = Period
dashboard-from = From
dashboard-to = To
dashboard-show = Show
dashboard-period = { $code ->
    [week] This week
    [month] This month
    [school_year] This school year
   *[custom] Custom period
}
dashboard-period-range = from { $from } to { $to }
dashboard-period-order = The end of the period must come after its start.
dashboard-period-long = A period is at most { $max } days long.
dashboard-generated = Figures as of { $when }
dashboard-backlog = Open requests
dashboard-now = right now
dashboard-new = New requests
dashboard-resolved = Resolved requests
dashboard-first-response = First response on time
dashboard-resolution = Resolution on time
dashboard-met-of = { $met } of { $due } due dates
dashboard-breaches = Breaches in progress
dashboard-median = Median time to resolve
dashboard-p90 = 90% in under { $hours } (business hours)
dashboard-approvals = Approvals waiting
dashboard-tiles = Key figures
dashboard-open-list = See the list
dashboard-trend = Volume and timeliness
dashboard-volume-title = Requests received and resolved
dashboard-sla-title = Timeliness (SLA)
dashboard-volume-summary = { $new } requests received and { $resolved } resolved; busiest: { $peak } ({ $count } requests).
dashboard-sla-summary = First response on time: { $first }; resolution on time: { $resolution }.
dashboard-day = Day
dashboard-week = Week
dashboard-week-of = week of { $date }
dashboard-ages-title = Open requests by age
dashboard-ages-summary = { $backlog } open requests, { $old } of them for more than 30 days.
dashboard-age = { $code ->
    [lt1d] Less than a day
    [d1to3] 1 to 3 days
    [d3to7] 3 to 7 days
    [d7to30] 7 to 30 days
   *[gt30d] More than 30 days
}
dashboard-categories-title = Requests by category
dashboard-units-title = Requests by administrative unit
dashboard-top-summary = First: { $label } ({ $count } requests), of { $n } in all.
dashboard-technicians-title = Workload per technician
dashboard-tech-summary = Busiest: { $name }, { $open } open requests.
dashboard-unassigned = Unassigned
dashboard-nothing = No requests in this period.
dashboard-satisfaction-title = Requester satisfaction
dashboard-sat-summary = Average rating { $average } out of 5 ({ $count } ratings).
dashboard-no-ratings = No ratings in this period.
dashboard-by-team = By team
dashboard-by-category = By category
dashboard-by-unit = By unit
dashboard-low-title = Low ratings (1 or 2)
dashboard-low-empty = No low ratings in this period.
dashboard-chart-table = The chart's data
dashboard-csv = Download (CSV)
dashboard-report = Printable report
dashboard-report-of = Monthly report for { $month }
dashboard-report-title = Service report — { $scope }, { $period }
dashboard-print-hint = To print it or save it as PDF, use your browser's Print command.
dashboard-back = Back to the dashboard
dashboard-how = How to read these figures
dashboard-how-text = Times are counted in business hours of the service agreement's calendar, without the time the request waited for the requester or an approval. A due date counts in the period it falls in, once it has passed or the request was handled; a request cancelled before its due date does not count. Lists show only the requests you may open: a confidential request counts in the figures without appearing in them.
dashboard-file = dashboard
dashboard-col-period = Period
dashboard-col-count = Requests
dashboard-col-average = Average
dashboard-col-open = Open
dashboard-col-rating = Rating
dashboard-col-comment = Comment
dashboard-col-date = Date
dashboard-col-figure = Figure
dashboard-col-value = Value
csv-figure = Figure
csv-value = Value
csv-p90 = Time to resolve, 90th percentile (hours)
csv-from = Start
csv-first-due = First responses due
csv-first-met = First responses on time
csv-resolution-due = Resolutions due
csv-resolution-met = Resolutions on time
csv-label = Label
csv-count = Count
csv-technician = Technician
csv-open = Open
csv-group = Group
csv-average = Average
csv-rating = Rating
csv-team = Team
csv-category = Category
csv-title = Title
csv-comment = Comment

## Satisfaction
rating-title = Your opinion of the request
rating-section = Your opinion
rating-section-staff = Requester's rating
rating-value = { $n ->
    [1] 1 — Very dissatisfied
    [2] 2 — Dissatisfied
    [3] 3 — Fair
    [4] 4 — Satisfied
   *[5] 5 — Very satisfied
}
rating-question = Are you satisfied with how this request was handled?
rating-legend = Your rating
rating-comment = Comment (optional)
rating-submit = Send my rating
rating-change = Change my rating
rating-given = Rated on { $when }:
rating-required = Choose a rating from 1 to 5.
rating-not-resolved = This request is not resolved yet: you can rate it once it is.
rating-thanks = Thank you! Your rating is saved.
rating-confirm = Your rating is not recorded yet: check it, add a comment if you wish, then send your feedback.
rating-add-comment = You may add a comment or change your rating:
rating-open-request = Open the request
flash-rating = Thank you for your rating.
rating-email-question = Satisfied? Choose a rating, then confirm it:
drill-intro = List filtered from the dashboard:
drill-clear = Remove these filters
drill-category = category “{ $label }”
drill-kind = { $code ->
    [approval] awaiting approval
    [pending] waiting for the requester
    [resolved] resolved
    [closed] closed
    [cancelled] cancelled
    [new] new
   *[other] in progress
}
drill-created = created from { $from } to { $to }
drill-resolved = resolved from { $from } to { $to }
dashboard-col-distribution = Ratings 1 · 2 · 3 · 4 · 5
dashboard-col-distribution-help = Number of ratings of 1, 2, 3, 4 and 5
csv-all = All
event-trip = Trip changed: { $changes }.
event-trip-change = { $label }: { $from } → { $to }
event-carrier = Carrier chosen: { $name }.
idempotency-key-invalid = The Idempotency-Key header must hold 1 to { $max } characters.
idempotency-key-reused = This Idempotency-Key was already used for another request: use a new key.
idempotency-key-running = A request with this Idempotency-Key is still running: try again in a moment.
