<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name></name>
    <message>
        <source>{s} overdue {n} d</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{s} today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{s} in {n} d ({date})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Feedback</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Revisit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>overdue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{kind} due {due}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(unassigned)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>overdue {t}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Daily work list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} ({badge}) · {day} · printed {printed}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AboutDialog</name>
    <message>
        <source>About Precinct Console</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Precinct Console uses these libraries under their own licences. Qt and PySide6 are used under the LGPL-3.0: they are shipped as separate library files that can be replaced with a compatible build.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter libraries or licences…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy versions and licences, e.g. for a support request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Command-room console for a police station</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Library</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Licence</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>BoardPanel</name>
    <message>
        <source>Filter: number, address, caller, phone, content… (Ctrl+F)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All categories</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Grid / district</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Repeats</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved views</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save view…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 shown of %2 open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 waiting for dispatch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 breached</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 near</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(no saved view)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save view</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name of this view</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>View &apos;%1&apos; saved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reopen %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why is it reopened?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Note on %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Note</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CorrectionDialog</name>
    <message>
        <source>Correct an entry of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The step did not happen (void it)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Required: why the entry was wrong</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Entry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Correct time (China time)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reason</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DetailPane</name>
    <message>
        <source>Select an incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recommended units</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ETA</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Distance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dispatch top suggestion (D)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>History</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Operator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Workstation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keys: D dispatch · S signed · O set off · A arrived · H handled · F fed back · C close · E correct · Ctrl+R reopen</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>voids %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 corrected to %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>corrected below</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recommended units — %1 left of the on-scene target</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DisputePanel</name>
    <message>
        <source>&amp;Register…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From &amp;incident…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter: number, title, party, grid, officer…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every grade</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Include resolved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add &amp;note…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;visit done…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Grade…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send revisit &amp;task</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;solve…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;open…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{open} open · A {a} · B {b} · {sym_b} {overdue} revisits overdue · {sym_n} {today} due today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dispute {number} registered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Register from an incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incident number (the incident selected on the board is used when empty):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select an incident on the board or type its number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Revisit done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Progress note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What happened?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Note added to {number}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Grade</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Grade of this dispute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dispute {number} regraded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Task {number} sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolve</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How was it resolved?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dispute {number} resolved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reopen</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why is it reopened?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dispute {number} reopened</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ErrorNotifier</name>
    <message>
        <source>Unexpected error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Something went wrong. Your saved work is safe; the details are in the log. You can keep working.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FeedbackDialog</name>
    <message>
        <source>Feed back: {title}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Anything else the command room should know</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remarks</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FirstStartDialog</name>
    <message>
        <source>Precinct Console — first start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This database is empty. Open the demo precinct to look around, or set up your station with its first administrator.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the demo precinct (90 days of sample incidents)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set up a new station</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Station code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Station name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Building the demo precinct…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <source>Search incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Words to find; Enter searches open and closed incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reopen with reason… (Ctrl+R)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>searching…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reopen %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why is it reopened?</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>IntakeDialog</name>
    <message>
        <source>Take in an incident (接警)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>家庭, jtjf or 0601 - arrows choose, Tab or Enter takes it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 urgent (急)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>2 normal (一般)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>3 routine (缓)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Needs reinforcement</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Street and number; past addresses complete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>lon, lat (from a past address or the map)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Priority</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Channel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ca&amp;tegory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Location</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ca&amp;ller</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>C&amp;ontent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Repeat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Received</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Link call to selected incident (Ctrl+L)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Take in (Ctrl+Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>grid as before</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>grid %1 from the map</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%n earlier incident(s); link this call if it is the same matter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select an open incident in the repeat list to link to.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incident %1 taken in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Call linked to incident %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>Precinct Console — sign in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Database: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign-in failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>This panel could not be opened; see the log.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign &amp;out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Reset layout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About Precinct Console</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Local database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>● Connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>◐ Reconnecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>○ Offline</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>NewTaskDialog</name>
    <message>
        <source>New follow-up task</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{section} · {name} ({hours} h)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(no grid)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The grid&apos;s community officer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Catalogue task</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Title</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Grid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>field &apos;title&apos;: must be filled in</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RegisterDisputeDialog</name>
    <message>
        <source>Register a dispute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>By grade</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One party a line: name, role (申请人 / 被申请人 / 当事人), phone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(no grid)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Title</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Grade</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Risk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Parties</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Grid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mediation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What it is about</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TaskBoard</name>
    <message>
        <source>on time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>near</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>overdue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>in time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;New task…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From &amp;incident…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Work list…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter: number, title, grid, officer, incident…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every officer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unassigned only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Sign</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Feed back…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Verify &amp;&amp; close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Return…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Escalate…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;assign…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{open} open · {sym_b} {overdue} overdue · {sym_n} {near} near · {fed} to verify · {un} unassigned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>yes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Task {number} signed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Feedback on {number} sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Task {number} verified and closed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Return for rework</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What must be redone?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Task {number} returned for rework</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Escalate to the station chief</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why must the chief step in?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Task {number} escalated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reassign</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Task {number} reassigned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Task {number} sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Follow-up for an incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incident number (the incident selected on the board is used when empty):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select an incident on the board or type its number</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WorkListDialog</name>
    <message>
        <source>Daily work list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Print…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save PDF…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Officer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The station has no officers yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save work list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Work list saved to {path}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <source>The database cannot be opened:
%1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
