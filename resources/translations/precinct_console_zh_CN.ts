<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name></name>
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
        <source>Shift</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>3-min cover</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>5-min backup</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Solver</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>proposed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>accepted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>rejected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>superseded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>greedy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>optimal</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stopped before a bound was proven</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stopped, gap %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Units</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Level</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>BREACH</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>near</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incident / task</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Raised</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What and where</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Parent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Area</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sub-grids</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>People</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No one recorded for this grid.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key sites</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Posts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incidents, last 30 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open tasks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>feedback due</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(%1 without a position)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Within target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Near target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Target breached (pulses while running)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Targets met</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting for dispatch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dispatched, on the way</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On scene</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Handled, feedback due</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>BREACHED</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>near breach</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 incidents turned near or breached (%2…)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 new alerts on %2 incidents (%3…); see the alert list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed for (签收)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set off (出警)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Arrived (到场)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Handled (处置完毕)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fed back (反馈)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close (归档)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New incident (接警)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dispatch top suggestion (派警)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send reinforcement</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reopen with reason…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Correct an entry…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add a note…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Acknowledge alerts of this incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search all incidents…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shift handover (交接班)…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: unit dispatched</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No unit is available</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 reopened</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: correction recorded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Age</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pri.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Grid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Repeat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%n duplicate call(s) linked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Grade</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>risk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Occurred</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Place</source>
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
        <source>Responsible</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Revisit by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Parties</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Follow-up tasks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In state</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Crew</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Position</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>nobody rostered (seats: %1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>at its post</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>live, %1 ago</source>
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
    <name>AlertsPanel</name>
    <message>
        <source>Acknowledge (Space)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No alert waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 alert(s) to acknowledge, %2 breached</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AllocationPanel</name>
    <message>
        <source>Stop the exact solver after this time and keep the best plan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Propose deployment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shift</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Point</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Note for the shift (optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Accept</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reject</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What-if replay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plans</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The coming shift</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A new patrol plan is waiting for your decision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Solving…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>gap %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Expected incidents %1: &lt;b&gt;%2&lt;/b&gt; within 3 minutes, &lt;b&gt;%3&lt;/b&gt; backed up within 5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Solver: %1 in %2 s; %3 cells merged into %4 rows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key sites in their ring: %1/%2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zones holding a unit: %1/%2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Decided by %1 %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>edited by the chief; figures rescored</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Accept with %n edit(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Plan %1 accepted: it is the shift&apos;s patrol orders now</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AssignDialog</name>
    <message>
        <source>Assign %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(no unit)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shift</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Duty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Note</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>BoardPanel</name>
    <message>
        <source>All open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting for dispatch (待派)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dispatched, not on scene</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On scene (到场)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Handled, feedback due</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter: number, address, caller, phone, content… (Ctrl+F)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All categories</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All districts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Grid</source>
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
        <source>Which unit?</source>
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
    <name>BulletinPanel</name>
    <message>
        <source>Previous week</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next week</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save as PDF…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save as HTML…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Week</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved the bulletin to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not save the bulletin to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save bulletin</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PDF (*.pdf)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Web page (*.html)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CatalogueDialog</name>
    <message>
        <source>Key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Label</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choices (a / b / c)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Minimum</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Task catalogue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{h} h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In use</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New task type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Section</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Description</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign within</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Feed back within</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fields the officer fills in on feedback</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>field &apos;{key}&apos;: the minimum must be a whole number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Catalogue task {code} saved</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ChartBox</name>
    <message>
        <source>PNG…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save this chart as a PNG image</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save chart</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
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
        <source>Address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no grid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Caller</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>priority</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Content</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Units</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Repeat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>linked calls</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Linked to</source>
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
        <source>Units for reinforcement</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send top suggestion as reinforcement (D)</source>
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
        <source>Progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mediation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Revisit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Feedback</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reopened</source>
        <translation type="unfinished"></translation>
    </message>
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
        <source>&amp;Edit…</source>
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
        <source>Select a dispute to see it here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dispute {number} registered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dispute {number} updated</source>
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
    <name>DisputeTableModel</name>
    <message>
        <source>Revisit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Grade</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Number</source>
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
        <source>Grid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Parties</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Risk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Officer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mediating</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>may lead to a mass incident, injury or death</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>escalating, several parties or repeated calls</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ordinary dispute, parties talking</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>minor, resolved on the spot or nearly</source>
        <translation type="unfinished"></translation>
    </message>
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
    <name>GridCardView</name>
    <message>
        <source>Notice board PDF…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Print the grid&apos;s public notice board (公示牌) on A4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit people…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change who is named on the notice board</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the notice board</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PDF (*.pdf)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notice board saved to %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HandoverDialog</name>
    <message>
        <source>Shift handover (交接班)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compile report (F5)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shift from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notes for the incoming shift (stored with the report)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign as outgoing officer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incoming officer signs…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Print preview…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save PDF…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compile the report to review it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed by both officers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting for the incoming officer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not signed yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save PDF</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved %1</source>
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
    <name>HotspotControls</name>
    <message>
        <source>Last 7 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last 90 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last 365 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Day 08–20</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Night 20–08</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Late night 22–06</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hot spots</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Density</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Counts by grid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All categories</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incidents per km² (kernel %1 m)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incidents per grid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Repeat place (count)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>IncomingSignIn</name>
    <message>
        <source>Incoming officer signs</source>
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
        <source>Locat&amp;ion</source>
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
    <name>LedgerExportPanel</name>
    <message>
        <source>Incident ledger</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dispute ledger</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Follow-up task ledger</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Patrol ledger</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Duty roster ledger</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1-3-5 response compliance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Week (Monday to Sunday)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Month</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Custom range</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write phone and ID numbers in full (recorded in the audit log)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ledger</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Period</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Station</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Police district</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Personal data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phone and ID numbers are masked (138****5678) unless you choose otherwise.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export a ledger</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open export folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exported files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scheduled exports</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Daily incident ledger at 08:00, the weekly set on Mondays at 08:30 and the monthly set on the 1st at 09:00 are written to the export folder by one workstation of the database.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change time…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause / resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your role does not export ledgers; ask the clerk or the station chief.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All stations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All districts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export ledger to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2 rows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 rows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wrote %1 rows to %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(phone and ID numbers in full)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export cancelled; no file was written.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>next</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>paused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This workstation writes the scheduled exports to %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Another workstation (%2) writes the scheduled exports to %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scheduled export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time of day (China time), HH:MM</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LiveLayers</name>
    <message>
        <source>Free units reach (share of grids): %1</source>
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
    <name>MapPanel</name>
    <message>
        <source>Districts (警务区)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Small grids</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Micro grids</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Grid labels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Patrol zones</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key zones</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Posts and police rooms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key sites</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key sites&apos; 1-3-5 rings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Units</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Off-duty units</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Units&apos; 1/3/5-minute reach</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Base image</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find a grid code or name, key site or address…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fit jurisdiction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose base image…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove base image</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Geometry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import GeoJSON…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export GeoJSON…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reach target: %1 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Repeat place (一地多警)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing found for “%1”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import grids, zones, key sites or posts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GeoJSON (*.geojson *.json)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Geometry imported: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was imported</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 problem(s) in the file; fix them and import again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export geometry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GeoJSON (*.geojson)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 feature(s) written to %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Base image with a world file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg)</source>
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
    <name>PeopleEditor</name>
    <message>
        <source>People of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Move up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Printed on the grid&apos;s public notice board in this order.</source>
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
        <source>e.g. 城关派出所社区警务队 / 街道司法所</source>
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
        <source>Responsible unit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What it is about</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit dispute {number}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReplayCompare</name>
    <message>
        <source> days back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Replay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plan A</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plan B</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Figures</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Share of calls reached within 1, 3 and 5 minutes (%)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reached within 3 minutes by hour of day (%)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Propose at least one plan first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Replaying…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 calls replayed; deterministic: the same days give the same figures</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What happened</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>3 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>5 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Within 1 / 3 / 5 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Median response</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reinforcement within 5 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calls waiting for a free unit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calls no planned unit could take</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RosterPanel</name>
    <message>
        <source>This week</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Week</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Month</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy week to next week</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Swap shifts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select two rostered cells (Ctrl+click), then swap</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>▲ %n rule violation(s) in this period</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>✓ No rule violations in this period</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>staffing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>post staffing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>rest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>weekly hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>two places</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>leave/training</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unit crew</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assign to a shift…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select exactly two rostered cells to swap</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy week</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the roster of the week of %1 onto the week of %2? Entries already there are kept.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n entry(ies) copied</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RulesDialog</name>
    <message>
        <source>Automatic follow-up rules</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every dispute incident gets a follow-up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Same caller (一人多警)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Same place (一地多警)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Same matter in a grid (一事多警)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incidents closed with “needs revisit”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Task for disputes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Repeat threshold</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Within</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Task for repeats</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Task for revisits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Follow-up rules saved</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StatisticsPanel</name>
    <message>
        <source>Week</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Month</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save all charts…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Period</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incidents by day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incidents by hour of day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incidents by category (year-on-year, period-on-period)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1-3-5 compliance by day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dispatches per unit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incidents attended per officer (top 10)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Caller / place</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Count</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Repeat incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; incidents · year-on-year %2 (%3) · period-on-period %4 (%5) · 1-3-5 (%6): %7 · all targets met %8</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>all targets</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save all charts to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved %1 charts to %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TaskBoard</name>
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
        <source>Catalogue…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rules…</source>
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
        <source>Escalated</source>
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
        <source>sign-off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>feedback</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Task {number} {title}: {deadline} overdue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Task {number} {title}: {deadline} due soon</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} more tasks changed state</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a task to see it here.</source>
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
    <name>TaskDetail</name>
    <message>
        <source>Sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fed back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Verified</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Returned for rework</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Escalated to the station chief</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reassigned</source>
        <translation type="unfinished"></translation>
    </message>
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
        <source>yes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Task</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(unassigned)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Grid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Feed back by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remarks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Feedback</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>late</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>History</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TaskTableModel</name>
    <message>
        <source>Number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Countdown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Title</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Task</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Grid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Origin</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fed back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Returned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Closed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>By hand</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rule: dispute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rule: repeat caller</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rule: repeat place</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rule: repeat matter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rule: revisit</source>
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
</context>
<context>
    <name>UnitsPanel</name>
    <message>
        <source>Keys: A available · R returning · X off duty · Enter shows its incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No units</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WorkList</name>
    <message>
        <source>Number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Task</source>
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
        <source>Due</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Done / remarks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Grade</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dispute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Revisit by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>None.</source>
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
    <message>
        <source>Overdue {o} · due today {d} · revisits {r} · waiting for verification {v} · later {l}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Due today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dispute revisits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Officer&apos;s signature: ________________    Checked by: ________________</source>
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
<context>
    <name>panels</name>
    <message>
        <source>Incident board</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unit status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Grid map</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Follow-up tasks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disputes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ledgers and exports</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Statistics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Weekly bulletin</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Roster</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Patrol allocation</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
