<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name />
    <message>
        <source>Number</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>接警时间</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>警情类别</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Shift</source>
        <translation>班次</translation>
    </message>
    <message>
        <source>day</source>
        <translation>白班</translation>
    </message>
    <message>
        <source>Starts</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>3-min cover</source>
        <translation>3分钟覆盖</translation>
    </message>
    <message>
        <source>5-min backup</source>
        <translation>5分钟增援覆盖</translation>
    </message>
    <message>
        <source>Solver</source>
        <translation>求解方式</translation>
    </message>
    <message>
        <source>Move-ups</source>
        <translation>补位次数</translation>
    </message>
    <message>
        <source>proposed</source>
        <translation>待审批</translation>
    </message>
    <message>
        <source>accepted</source>
        <translation>已采纳</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>已否决</translation>
    </message>
    <message>
        <source>superseded</source>
        <translation>已被替代</translation>
    </message>
    <message>
        <source>propose the patrol deployment for a shift, with coverage figures</source>
        <translation>为班次提出巡逻警力部署方案，并给出覆盖率</translation>
    </message>
    <message>
        <source>Place the units on duty so that expected incidents are reached within 3 minutes (and backed up within 5), solved exactly with HiGHS. By default the coming shift; nothing is stored unless --user is given, then the plan is saved as a proposal for the chief to accept.</source>
        <translation>部署在岗警组，使预计警情 3 分钟内可达（5 分钟内有增援），用 HiGHS 精确求解。默认为下一个班次；不给 --user 时不保存任何内容，给出时方案保存为待所长采纳的建议方案。</translation>
    </message>
    <message>
        <source>plan this shift</source>
        <translation>为该班次部署</translation>
    </message>
    <message>
        <source>plan the shift running at this time, e.g. 2026-11-21T10:00 (China time unless a zone is given)</source>
        <translation>为该时刻所在的班次部署，例如 2026-11-21T10:00（未注明时区即为北京时间）</translation>
    </message>
    <message>
        <source>station code (default: the settings file, or the only station)</source>
        <translation>派出所代码（默认：设置文件中的，或库中唯一的派出所）</translation>
    </message>
    <message>
        <source>stop the exact solver after S seconds and report its gap (default 10, at most {most})</source>
        <translation>精确求解 S 秒后停止并报告最优性差距（默认 10，最多 {most}）</translation>
    </message>
    <message>
        <source>keep a unit at a candidate point: its call sign = the point's key (post:3, point:7, zone:12) or name; repeat for more units</source>
        <translation>将警组固定在候选点位：呼号=点位键（post:3、point:7、zone:12）或名称；多个警组可重复使用</translation>
    </message>
    <message>
        <source>a patrol zone that must hold a unit; repeatable</source>
        <translation>必须有警组的巡区；可重复使用</translation>
    </message>
    <message>
        <source>a key site that must have a unit within its ring (1 minute for most); repeatable</source>
        <translation>须有警组在其到达圈内的重点部位（多数为 1 分钟）；可重复使用</translation>
    </message>
    <message>
        <source>the instant greedy plan only</source>
        <translation>只用贪心算法即时出方案</translation>
    </message>
    <message>
        <source>print the plan as JSON (keys and codes in English)</source>
        <translation>以 JSON 输出方案（键名和代码为英文）</translation>
    </message>
    <message>
        <source>also print the solver's figures (method, gap, coverage rows)</source>
        <translation>同时显示求解器的数据（算法、最优性差距、覆盖行数）</translation>
    </message>
    <message>
        <source>--at '{text}' is not a date and time like 2026-11-21T10:00</source>
        <translation>--at“{text}”不是形如 2026-11-21T10:00 的日期时间</translation>
    </message>
    <message>
        <source>no station with code '{code}'</source>
        <translation>没有代码为“{code}”的派出所</translation>
    </message>
    <message>
        <source>name the station with --station CODE (the database holds none)</source>
        <translation>请用 --station 代码 指定派出所（数据库中没有派出所）</translation>
    </message>
    <message>
        <source>name the station with --station CODE (the database holds several)</source>
        <translation>请用 --station 代码 指定派出所（数据库中有多个派出所）</translation>
    </message>
    <message>
        <source>--time-limit {limit} must be more than 0 and at most {most} seconds</source>
        <translation>--time-limit {limit} 必须大于 0 且不超过 {most} 秒</translation>
    </message>
    <message>
        <source>--pin '{text}' is not UNIT=POINT (a call sign, '=', a candidate point's key or name)</source>
        <translation>--pin“{text}”不是“警组=点位”的形式（呼号、“=”、候选点位的键或名称）</translation>
    </message>
    <message>
        <source>--pin '{text}': unit {unit} is not on {shift} (its units: {units})</source>
        <translation>--pin“{text}”：警组 {unit} 不在 {shift}（该班次的警组：{units}）</translation>
    </message>
    <message>
        <source>--pin '{text}': unit {unit} is pinned twice</source>
        <translation>--pin“{text}”：警组 {unit} 被重复固定</translation>
    </message>
    <message>
        <source>--zone '{text}': {name} is a key zone, not a patrol zone; require its key sites with --key-site</source>
        <translation>--zone“{text}”：{name} 是重点区域，不是巡区；请用 --key-site 要求其中的重点部位</translation>
    </message>
    <message>
        <source>--zone '{text}': no patrol zone with that name or id</source>
        <translation>--zone“{text}”：没有该名称或编号的巡区</translation>
    </message>
    <message>
        <source>--key-site '{text}': no key site with that name or id</source>
        <translation>--key-site“{text}”：没有该名称或编号的重点部位</translation>
    </message>
    <message>
        <source>the shift</source>
        <translation>该班次</translation>
    </message>
    <message>
        <source>--pin '{text}': {count} candidate points are named {point}; give its key ({keys})</source>
        <translation>--pin“{text}”：有 {count} 个候选点位名为 {point}，请给出点位键（{keys}）</translation>
    </message>
    <message>
        <source>--pin '{text}': no candidate point {point} on {shift} (give a key such as post:3, or a post's, must-patrol point's or zone's name)</source>
        <translation>--pin“{text}”：{shift} 没有候选点位 {point}（请给出如 post:3 的点位键，或警务站、必巡点、巡区的名称）</translation>
    </message>
    <message>
        <source>greedy</source>
        <translation>贪心算法</translation>
    </message>
    <message>
        <source>milp</source>
        <translation>精确求解</translation>
    </message>
    <message>
        <source>optimal</source>
        <translation>最优解</translation>
    </message>
    <message>
        <source>time_limit</source>
        <translation>达到时限</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>已中断</translation>
    </message>
    <message>
        <source>a quick placement, one unit at a time (not searched for the best); worked out in {seconds} s</source>
        <translation>快速部署：逐个安排警力（未求最优），用时 {seconds} 秒</translation>
    </message>
    <message>
        <source>the best placement for the expected incidents; worked out in {seconds} s</source>
        <translation>按预计警情求得的最优部署，用时 {seconds} 秒</translation>
    </message>
    <message>
        <source>the search was stopped early: the best placement found so far</source>
        <translation>计算被提前中止：以下为目前找到的最好部署</translation>
    </message>
    <message>
        <source>the best placement found in the {seconds} s allowed; a better one could reach at most {gap} more</source>
        <translation>在限定的 {seconds} 秒内找到的最好部署；更优方案至多再提高 {gap}</translation>
    </message>
    <message>
        <source>the best placement found in the {seconds} s allowed</source>
        <translation>在限定的 {seconds} 秒内找到的最好部署</translation>
    </message>
    <message>
        <source>shift</source>
        <translation>班次</translation>
    </message>
    <message>
        <source>(plan {plan_id}, proposed)</source>
        <translation>（方案 {plan_id}，待采纳）</translation>
    </message>
    <message>
        <source>{status}, gap {gap}</source>
        <translation>{status}，最优性差距 {gap}</translation>
    </message>
    <message>
        <source>expected incidents {demand}: covered within 3 min {once}, backed up within 5 min {twice}</source>
        <translation>预计警情 {demand} 起：3 分钟内可达 {once}，5 分钟内有增援 {twice}</translation>
    </message>
    <message>
        <source>solver {method} in {seconds} s; {cells} cells merged into {rows} coverage rows</source>
        <translation>求解：{method}，用时 {seconds} 秒；{cells} 个单元合并为 {rows} 行覆盖约束</translation>
    </message>
    <message>
        <source>solver {method} ({status}) in {seconds} s; {cells} cells merged into {rows} coverage rows</source>
        <translation>求解：{method}（{status}），用时 {seconds} 秒；{cells} 个单元合并为 {rows} 行覆盖约束</translation>
    </message>
    <message>
        <source>key sites within their ring: {met}/{total}</source>
        <translation>重点部位在圈内：{met}/{total}</translation>
    </message>
    <message>
        <source>zones with a unit: {met}/{total}</source>
        <translation>有警组的巡区：{met}/{total}</translation>
    </message>
    <message>
        <source>pinned {unit} → {point}</source>
        <translation>固定 {unit} → {point}</translation>
    </message>
    <message>
        <source>zones {names}</source>
        <translation>巡区 {names}</translation>
    </message>
    <message>
        <source>key sites {names}</source>
        <translation>重点部位 {names}</translation>
    </message>
    <message>
        <source>constraints: {list}</source>
        <translation>约束：{list}</translation>
    </message>
    <message>
        <source>[pinned]</source>
        <translation>[固定]</translation>
    </message>
    <message>
        <source>timed duties (定时守点):</source>
        <translation>定时守点：</translation>
    </message>
    <message>
        <source>{window} {point} → {unit}, {minutes} min from its point</source>
        <translation>{window} {point} → {unit}（距其点位 {minutes} 分钟）</translation>
    </message>
    <message>
        <source>[due elsewhere at that time too]</source>
        <translation>[同一时段另有守点任务]</translation>
    </message>
    <message>
        <source>note: {note}</source>
        <translation>说明：{note}</translation>
    </message>
    <message>
        <source>stopped before a bound was proven</source>
        <translation>未证明最优即停止</translation>
    </message>
    <message>
        <source>stopped, gap %1</source>
        <translation>已停止，最优性差距 %1</translation>
    </message>
    <message>
        <source>Following a later plan where the two overlap: %1</source>
        <translation>在时段重叠内改按后定方案执行：%1</translation>
    </message>
    <message>
        <source>Pinned: %1</source>
        <translation>固定：%1</translation>
    </message>
    <message>
        <source>Zones required: %1</source>
        <translation>必须有警组的巡区：%1</translation>
    </message>
    <message>
        <source>Key sites required: %1</source>
        <translation>重点部位：%1</translation>
    </message>
    <message>
        <source>Constraints</source>
        <translation>约束</translation>
    </message>
    <message>
        <source>(pinned)</source>
        <translation>（固定）</translation>
    </message>
    <message>
        <source>Units</source>
        <translation>警力</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <source>BREACH</source>
        <translation>超时</translation>
    </message>
    <message>
        <source>near</source>
        <translation>临近超时</translation>
    </message>
    <message>
        <source>set out</source>
        <translation>出发提醒</translation>
    </message>
    <message>
        <source>not there</source>
        <translation>未到岗</translation>
    </message>
    <message>
        <source>Incident / task / unit</source>
        <translation>警情/任务/警组</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>时限指标</translation>
    </message>
    <message>
        <source>Raised</source>
        <translation>触发时间</translation>
    </message>
    <message>
        <source>What and where</source>
        <translation>事由及地点</translation>
    </message>
    <message>
        <source>Parent</source>
        <translation>上级网格</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>面积</translation>
    </message>
    <message>
        <source>Sub-grids</source>
        <translation>下级网格</translation>
    </message>
    <message>
        <source>People</source>
        <translation>人员</translation>
    </message>
    <message>
        <source>No one recorded for this grid.</source>
        <translation>该网格尚未登记人员。</translation>
    </message>
    <message>
        <source>Key sites</source>
        <translation>重点部位</translation>
    </message>
    <message>
        <source>Posts</source>
        <translation>警务站</translation>
    </message>
    <message>
        <source>Incidents, last 30 days</source>
        <translation>近30天警情</translation>
    </message>
    <message>
        <source>Open tasks</source>
        <translation>未办结任务</translation>
    </message>
    <message>
        <source>feedback due</source>
        <translation>反馈期限</translation>
    </message>
    <message>
        <source>Open incidents</source>
        <translation>在办警情</translation>
    </message>
    <message>
        <source>(%1 without a position)</source>
        <translation>（%1 起无坐标）</translation>
    </message>
    <message>
        <source>Within target</source>
        <translation>在时限内</translation>
    </message>
    <message>
        <source>Near target</source>
        <translation>临近时限</translation>
    </message>
    <message>
        <source>Target breached (pulses while running)</source>
        <translation>已超时（计时中闪烁）</translation>
    </message>
    <message>
        <source>Targets met</source>
        <translation>均已达标</translation>
    </message>
    <message>
        <source>Waiting for dispatch</source>
        <translation>待派警</translation>
    </message>
    <message>
        <source>Dispatched, on the way</source>
        <translation>已派警，途中</translation>
    </message>
    <message>
        <source>On scene</source>
        <translation>已到场</translation>
    </message>
    <message>
        <source>Handled, feedback due</source>
        <translation>已处置，待反馈</translation>
    </message>
    <message>
        <source>Patrol point of the accepted plan</source>
        <translation>已采纳方案的巡逻点位</translation>
    </message>
    <message>
        <source>Unit away from its timed duty (pulses)</source>
        <translation>警组未在守点（闪烁）</translation>
    </message>
    <message>
        <source>Move-up suggested (补位), from the unit board</source>
        <translation>建议补位（见警力状态）</translation>
    </message>
    <message>
        <source>Must-patrol point (必巡点)</source>
        <translation>必巡点</translation>
    </message>
    <message>
        <source>Patrol line (巡逻线路)</source>
        <translation>巡逻线路</translation>
    </message>
    <message>
        <source>BREACHED</source>
        <translation>已超时</translation>
    </message>
    <message>
        <source>near breach</source>
        <translation>临近超时</translation>
    </message>
    <message>
        <source>%1 incidents turned near or breached (%2…)</source>
        <translation>%1 起警情临近或已超时（%2…）</translation>
    </message>
    <message>
        <source>%1 units' timed duties need attention (%2…); see the alert list</source>
        <translation>%1 个警组的定时守点需处理（%2…），请查看预警列表</translation>
    </message>
    <message>
        <source>%1 is not at %2 (due there at %3)</source>
        <translation>%1 未到 %2（应于 %3 到岗）</translation>
    </message>
    <message>
        <source>%1 must set out at once for %2 (ordered after it began)</source>
        <translation>%1 须立即出发赴 %2（时段开始后接令）</translation>
    </message>
    <message>
        <source>%1 must set out by %2 for %3</source>
        <translation>%1 应于 %2 前出发赴 %3</translation>
    </message>
    <message>
        <source>%1 new alerts on %2 incidents (%3…); see the alert list</source>
        <translation>%2 起警情新增 %1 条预警（%3…），请查看预警列表</translation>
    </message>
    <message>
        <source>Signed for (签收)</source>
        <translation>签收</translation>
    </message>
    <message>
        <source>Set off (出警)</source>
        <translation>出警</translation>
    </message>
    <message>
        <source>Arrived (到场)</source>
        <translation>到场</translation>
    </message>
    <message>
        <source>Handled (处置完毕)</source>
        <translation>处置完毕</translation>
    </message>
    <message>
        <source>Fed back (反馈)</source>
        <translation>反馈</translation>
    </message>
    <message>
        <source>Close (归档)</source>
        <translation>归档</translation>
    </message>
    <message>
        <source>New incident (接警)</source>
        <translation>接警</translation>
    </message>
    <message>
        <source>Dispatch top suggestion (派警)</source>
        <translation>按首选建议派警</translation>
    </message>
    <message>
        <source>Send reinforcement</source>
        <translation>派出增援</translation>
    </message>
    <message>
        <source>Reopen with reason…</source>
        <translation>说明原因后重新打开…</translation>
    </message>
    <message>
        <source>Correct an entry…</source>
        <translation>更正记录…</translation>
    </message>
    <message>
        <source>Add a note…</source>
        <translation>添加备注…</translation>
    </message>
    <message>
        <source>Acknowledge alerts of this incident</source>
        <translation>确认本警情的预警</translation>
    </message>
    <message>
        <source>Filter the board</source>
        <translation>筛选警情</translation>
    </message>
    <message>
        <source>Search all incidents…</source>
        <translation>查询全部警情…</translation>
    </message>
    <message>
        <source>Shift handover (交接班)…</source>
        <translation>交接班…</translation>
    </message>
    <message>
        <source>Select an incident first</source>
        <translation>请先选择警情</translation>
    </message>
    <message>
        <source>%1: </source>
        <translation>%1：</translation>
    </message>
    <message>
        <source>%1: unit dispatched</source>
        <translation>%1：已派警</translation>
    </message>
    <message>
        <source>No unit is available</source>
        <translation>没有可派警力</translation>
    </message>
    <message>
        <source>%1 reopened</source>
        <translation>%1 已重新打开</translation>
    </message>
    <message>
        <source>%1: correction recorded</source>
        <translation>%1：更正已记录</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>已用时</translation>
    </message>
    <message>
        <source>Pri.</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Repeat</source>
        <translation>重复</translation>
    </message>
    <message numerus="yes">
        <source>%n duplicate call(s) linked</source>
        <translation>
            <numerusform>已关联 %n 次重复报警</numerusform>
        </translation>
    </message>
    <message>
        <source>Grade</source>
        <translation>等级</translation>
    </message>
    <message>
        <source>risk</source>
        <translation>风险</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Occurred</source>
        <translation>发生时间</translation>
    </message>
    <message>
        <source>Place</source>
        <translation>地点</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Mediation</source>
        <translation>调解方式</translation>
    </message>
    <message>
        <source>Responsible</source>
        <translation>责任单位/责任人</translation>
    </message>
    <message>
        <source>Revisit by</source>
        <translation>回访期限</translation>
    </message>
    <message>
        <source>Incidents</source>
        <translation>关联警情</translation>
    </message>
    <message>
        <source>Parties</source>
        <translation>当事人</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>工作进展</translation>
    </message>
    <message>
        <source>Follow-up tasks</source>
        <translation>派单任务</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>警组</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>In state</source>
        <translation>持续时间</translation>
    </message>
    <message>
        <source>Incident</source>
        <translation>警情</translation>
    </message>
    <message>
        <source>Crew</source>
        <translation>组员</translation>
    </message>
    <message>
        <source>Patrol point</source>
        <translation>巡逻点位</translation>
    </message>
    <message>
        <source>✔ at the duty (roll call %1)</source>
        <translation>✔ 已到岗（%1点名核实）</translation>
    </message>
    <message>
        <source>✔ at the duty since %1 (late, roll call)</source>
        <translation>✔ 已到岗（%1，迟到，点名核实）</translation>
    </message>
    <message>
        <source>✖ not at the duty (roll call %1)</source>
        <translation>✖ 未到岗（%1点名核实）</translation>
    </message>
    <message>
        <source>✔ at the duty (checked %1)</source>
        <translation>✔ 已到岗（%1核验）</translation>
    </message>
    <message>
        <source>✔ at the duty since %1 (late)</source>
        <translation>✔ 已到岗（%1，迟到）</translation>
    </message>
    <message>
        <source>✖ not at the duty (%1)</source>
        <translation>✖ 未到岗（%1）</translation>
    </message>
    <message>
        <source>Set out by %1 for %2</source>
        <translation>应于 %1 前出发赴 %2</translation>
    </message>
    <message>
        <source> (from where it is now)</source>
        <translation>（按当前位置）</translation>
    </message>
    <message>
        <source> (from where it was moved up to)</source>
        <translation>（按补位点位）</translation>
    </message>
    <message>
        <source> (from its patrol point: no live position)</source>
        <translation>（按方案点位，实时定位已失效）</translation>
    </message>
    <message>
        <source> (from its patrol point)</source>
        <translation>（按方案点位）</translation>
    </message>
    <message>
        <source>Moved up at %1 from its plan point %2 (Shift+M sends it back)</source>
        <translation>%1 补位，原方案点位 %2（Shift+M 归位）</translation>
    </message>
    <message>
        <source>Timed duties: %1</source>
        <translation>定时守点：%1</translation>
    </message>
    <message>
        <source>Position</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>%1 (moved up)</source>
        <translation>%1（补位）</translation>
    </message>
    <message>
        <source>nobody rostered (seats: %1)</source>
        <translation>未排班（座位：%1）</translation>
    </message>
    <message>
        <source>at its post</source>
        <translation>在岗位</translation>
    </message>
    <message>
        <source>due elsewhere at that time too</source>
        <translation>同一时段另有守点任务</translation>
    </message>
    <message>
        <source>last fix %1 ago, not live</source>
        <translation>定位已 %1 未更新，非实时</translation>
    </message>
    <message>
        <source>live, %1 ago</source>
        <translation>实时定位，%1 前</translation>
    </message>
    <message>
        <source>24-hour duty with handover</source>
        <translation>24小时值班（交接班）</translation>
    </message>
    <message>
        <source>four teams on three shifts (四班三运转)</source>
        <translation>四班三运转</translation>
    </message>
    <message>
        <source>three teams on two shifts (三班二运转)</source>
        <translation>三班二运转</translation>
    </message>
    <message>
        <source>standby team (备勤)</source>
        <translation>备勤</translation>
    </message>
    <message>
        <source>Skills: %1</source>
        <translation>技能：%1</translation>
    </message>
    <message>
        <source>drone pilot</source>
        <translation>无人机驾驶员执照</translation>
    </message>
    <message>
        <source>Driving licences: %1</source>
        <translation>准驾车型：%1</translation>
    </message>
    <message>
        <source>Rest: no shift this day</source>
        <translation>休息：当日未排班</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Constraints for the next proposal</source>
        <translation>下一方案的约束</translation>
    </message>
    <message>
        <source>Unit to pin (units crewed on the chosen shift)</source>
        <translation>要固定的警组（所选班次已排班的警组）</translation>
    </message>
    <message>
        <source>Candidate point the unit must stand at (its post first)</source>
        <translation>警组须驻守的候选点位（默认为其所属警务站）</translation>
    </message>
    <message>
        <source>Pin</source>
        <translation>固定</translation>
    </message>
    <message>
        <source>Pin the unit to the point (Enter)</source>
        <translation>将警组固定到该点位（回车）</translation>
    </message>
    <message>
        <source>Pinned units; Delete removes the selected pin</source>
        <translation>已固定的警组；按 Delete 移除所选固定</translation>
    </message>
    <message>
        <source>Remove pin</source>
        <translation>移除固定</translation>
    </message>
    <message>
        <source>Patrol zones that must hold a unit (Space ticks)</source>
        <translation>必须有警组的巡区（空格勾选）</translation>
    </message>
    <message>
        <source>Key sites that must have a unit within their ring (1 minute for most; Space ticks)</source>
        <translation>须有警组在其到达圈内的重点部位（多数为 1 分钟；空格勾选）</translation>
    </message>
    <message>
        <source>Clear constraints</source>
        <translation>清除约束</translation>
    </message>
    <message>
        <source>Pin a unit to a point</source>
        <translation>固定警组到点位</translation>
    </message>
    <message>
        <source>Zones that must hold a unit</source>
        <translation>必须有警组的巡区</translation>
    </message>
    <message>
        <source>Key sites within their ring (minutes each)</source>
        <translation>重点部位到达圈（各自分钟数）</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <source>timed duty this shift</source>
        <translation>（本班定时守点）</translation>
    </message>
    <message>
        <source>Its must-patrol point is open for only part of this shift: a planned unit goes there while it is open (定时守点) instead of standing there all shift</source>
        <translation>其必巡点本班只开放一段时间：由一个已部署警组在开放时段前往守点（定时守点），而不是整班驻守</translation>
    </message>
    <message>
        <source>no candidate point within reach</source>
        <translation>（无可达点位）</translation>
    </message>
    <message>
        <source>No post, must-patrol point or zone centre reaches it within its ring; add one near it to be able to require it</source>
        <translation>没有任何警务站、必巡点或巡区中心能在到达圈内到达该部位；需在附近增设点位后才能要求</translation>
    </message>
    <message>
        <source>No constraints: the solver places every unit freely</source>
        <translation>无约束：由求解器自由部署全部警组</translation>
    </message>
    <message>
        <source>%1 pinned · %2 zone(s) · %3 key site(s)</source>
        <translation>固定 %1 个 · 巡区 %2 个 · 重点部位 %3 个</translation>
    </message>
    <message>
        <source>Precinct Console: the command-room console of a police station. It speaks Chinese on a Chinese system and English otherwise; the language setting (or $PRECINCT_LANGUAGE=en or zh_CN) chooses.</source>
        <translation>派出所指挥室值班台（Precinct Console）命令行。中文系统上显示中文，其他系统显示英文；可用设置项 language（或环境变量 $PRECINCT_LANGUAGE=en 或 zh_CN）指定语言。</translation>
    </message>
    <message>
        <source>print the version and exit</source>
        <translation>显示版本号并退出</translation>
    </message>
    <message>
        <source>start the console window (the default)</source>
        <translation>启动值班台窗口（默认）</translation>
    </message>
    <message>
        <source>database URL (default: the embedded SQLite file)</source>
        <translation>数据库地址（默认：内置 SQLite 数据库文件）</translation>
    </message>
    <message>
        <source>precinct-console {verb}: error: {error}</source>
        <translation>precinct-console {verb}：错误：{error}</translation>
    </message>
    <message>
        <source>database administration</source>
        <translation>数据库管理</translation>
    </message>
    <message>
        <source>upgrade the database schema to this console's version</source>
        <translation>将数据库结构升级到本值班台的版本</translation>
    </message>
    <message>
        <source>print the schema version of the database (JSON)</source>
        <translation>显示数据库的结构版本（JSON）</translation>
    </message>
    <message>
        <source>user accounts</source>
        <translation>用户账号</translation>
    </message>
    <message>
        <source>add an account (the first one needs no --user: it sets up the station); the password from $PRECINCT_NEW_PASSWORD or asked twice</source>
        <translation>添加账号（第一个账号无需 --user，它同时建立本所）；密码取自 $PRECINCT_NEW_PASSWORD，未设置时询问两次</translation>
    </message>
    <message>
        <source>the new account's user name</source>
        <translation>新账号的用户名</translation>
    </message>
    <message>
        <source>its role</source>
        <translation>账号角色</translation>
    </message>
    <message>
        <source>display name</source>
        <translation>显示名称</translation>
    </message>
    <message>
        <source>with the first account: the station's code</source>
        <translation>建立第一个账号时：派出所代码</translation>
    </message>
    <message>
        <source>with the first account: the station's name</source>
        <translation>建立第一个账号时：派出所名称</translation>
    </message>
    <message>
        <source>may see phone and ID numbers in full</source>
        <translation>可查看完整的电话和身份证号</translation>
    </message>
    <message>
        <source>list accounts</source>
        <translation>列出账号</translation>
    </message>
    <message>
        <source>print the accounts as JSON</source>
        <translation>以 JSON 输出账号</translation>
    </message>
    <message>
        <source>disable an account</source>
        <translation>停用账号</translation>
    </message>
    <message>
        <source>the account to disable</source>
        <translation>要停用的账号</translation>
    </message>
    <message>
        <source>enable a disabled account again (its password unchanged)</source>
        <translation>重新启用已停用的账号（密码不变）</translation>
    </message>
    <message>
        <source>the account to enable</source>
        <translation>要启用的账号</translation>
    </message>
    <message>
        <source>change an account's role (seats signed in with it sign out at their next save)</source>
        <translation>更改账号的角色（已用它登录的席位在下次保存时将被登出）</translation>
    </message>
    <message>
        <source>the account whose role changes</source>
        <translation>要更改角色的账号</translation>
    </message>
    <message>
        <source>its new role: {roles}</source>
        <translation>新角色：{roles}</translation>
    </message>
    <message>
        <source>set a new password for an account (an administrator, for someone who forgot theirs); asked twice, or $PRECINCT_NEW_PASSWORD</source>
        <translation>为账号设置新密码（由管理员为忘记密码的人重置）；询问两次，或取自 $PRECINCT_NEW_PASSWORD</translation>
    </message>
    <message>
        <source>the account whose password is reset</source>
        <translation>要重置密码的账号</translation>
    </message>
    <message>
        <source>change your own password (--user NAME; the current one from $PRECINCT_PASSWORD or asked, the new one asked twice)</source>
        <translation>修改自己的密码（--user 用户名；当前密码取自 $PRECINCT_PASSWORD 或询问，新密码询问两次）</translation>
    </message>
    <message>
        <source>stations sharing this database (a branch's)</source>
        <translation>共用本数据库的派出所（分局部署）</translation>
    </message>
    <message>
        <source>add a station with its own administrator (the password asked twice, or $PRECINCT_NEW_PASSWORD)</source>
        <translation>添加派出所及其管理员（密码询问两次，或取自 $PRECINCT_NEW_PASSWORD）</translation>
    </message>
    <message>
        <source>the new station's code</source>
        <translation>新派出所的代码</translation>
    </message>
    <message>
        <source>the new station's name</source>
        <translation>新派出所的名称</translation>
    </message>
    <message>
        <source>the new station's administrator</source>
        <translation>新派出所的管理员</translation>
    </message>
    <message>
        <source>the branch (分局) it belongs to</source>
        <translation>所属分局</translation>
    </message>
    <message>
        <source>list the stations in this database</source>
        <translation>列出本数据库中的派出所</translation>
    </message>
    <message>
        <source>print the stations as JSON</source>
        <translation>以 JSON 输出派出所</translation>
    </message>
    <message>
        <source>empty</source>
        <translation>空库</translation>
    </message>
    <message>
        <source>upgraded {database} from {start} to {end}</source>
        <translation>已将 {database} 从 {start} 升级到 {end}</translation>
    </message>
    <message>
        <source>backup: {path}</source>
        <translation>备份：{path}</translation>
    </message>
    <message>
        <source>{database} is up to date ({revision})</source>
        <translation>{database} 已是最新版本（{revision}）</translation>
    </message>
    <message>
        <source>new password: </source>
        <translation>新密码：</translation>
    </message>
    <message>
        <source>again: </source>
        <translation>再输入一次：</translation>
    </message>
    <message>
        <source>the two passwords differ</source>
        <translation>两次输入的密码不一致</translation>
    </message>
    <message>
        <source>no database file at {path}: check the path; for a new station the first account makes it, with --role admin --station-code CODE --station-name NAME</source>
        <translation>{path} 处没有数据库文件：请核对路径；新派出所由第一个账号建立数据库，需加 --role admin --station-code 代码 --station-name 名称</translation>
    </message>
    <message>
        <source>the database has no accounts yet: add the first administrator with --role admin --station-code CODE --station-name NAME</source>
        <translation>数据库中还没有账号：请先用 --role admin --station-code 代码 --station-name 名称 添加第一个管理员</translation>
    </message>
    <message>
        <source>station {code} {name} set up; administrator {username} added</source>
        <translation>派出所 {code} {name} 已建立；已添加管理员 {username}</translation>
    </message>
    <message>
        <source>user {username} ({role}) added</source>
        <translation>已添加用户 {username}（{role}）</translation>
    </message>
    <message>
        <source>active</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>已停用</translation>
    </message>
    <message>
        <source>user {username}: password reset</source>
        <translation>用户 {username}：密码已重置</translation>
    </message>
    <message>
        <source>current password: </source>
        <translation>当前密码：</translation>
    </message>
    <message>
        <source>user {username}: password changed</source>
        <translation>用户 {username}：密码已修改</translation>
    </message>
    <message>
        <source>station {code} {name} added; administrator {username} added</source>
        <translation>已添加派出所 {code} {name}；已添加管理员 {username}</translation>
    </message>
    <message>
        <source>(demo)</source>
        <translation>（演示）</translation>
    </message>
    <message>
        <source>user {username} disabled</source>
        <translation>用户 {username} 已停用</translation>
    </message>
    <message>
        <source>user {username} enabled</source>
        <translation>用户 {username} 已启用</translation>
    </message>
    <message>
        <source>user {username} is now {role}</source>
        <translation>用户 {username} 的角色已改为 {role}</translation>
    </message>
    <message>
        <source>render the weekly bulletin to PDF</source>
        <translation>生成周通报 PDF</translation>
    </message>
    <message>
        <source>Render the weekly bulletin of an ISO week (Monday to Sunday, China time) to a PDF file, or to HTML when FILE ends in .html.</source>
        <translation>将某一 ISO 周（周一至周日，北京时间）的周通报生成为 PDF 文件；文件名以 .html 结尾时生成 HTML。</translation>
    </message>
    <message>
        <source>ISO week, e.g. 2026-W47</source>
        <translation>ISO 周，例如 2026-W47</translation>
    </message>
    <message>
        <source>FILE.pdf or FILE.html</source>
        <translation>文件名.pdf 或 文件名.html</translation>
    </message>
    <message>
        <source>--out '{path}' must end in .pdf or .html</source>
        <translation>--out“{path}”必须以 .pdf 或 .html 结尾</translation>
    </message>
    <message>
        <source>give it with {instead} (no terminal to ask the password on)</source>
        <translation>请用 {instead} 提供（没有可输入密码的终端）</translation>
    </message>
    <message>
        <source>set {instead} (no terminal to ask the password on)</source>
        <translation>请设置 {instead}（没有可输入密码的终端）</translation>
    </message>
    <message>
        <source>database URL: sqlite:///PATH or postgresql+psycopg://USER@HOST/DB (default: the settings file, then the embedded SQLite file)</source>
        <translation>数据库地址：sqlite:///PATH 或 postgresql+psycopg://USER@HOST/DB（默认：先看设置文件，再用内置 SQLite 数据库文件）</translation>
    </message>
    <message>
        <source>acting user (default: $PRECINCT_USER); the password comes from $PRECINCT_PASSWORD or is asked on the terminal</source>
        <translation>操作用户（默认：$PRECINCT_USER）；密码取自 $PRECINCT_PASSWORD，未设置时在终端询问</translation>
    </message>
    <message>
        <source>no database file at {path}: check the path, or make one with 'precinct-console demo --db {url}', 'precinct-console db upgrade --db {url}' or by starting the console on it</source>
        <translation>{path} 处没有数据库文件：请检查路径，或用“precinct-console demo --db {url}”“precinct-console db upgrade --db {url}”创建，也可在该位置启动值班台创建</translation>
    </message>
    <message>
        <source>name the acting user with --user NAME or $PRECINCT_USER</source>
        <translation>请用 --user 用户名 或 $PRECINCT_USER 指定操作用户</translation>
    </message>
    <message>
        <source>password for {username}: </source>
        <translation>{username} 的密码：</translation>
    </message>
    <message>
        <source>build the demo precinct (refuses a database that holds real data)</source>
        <translation>生成演示派出所（数据库中有真实数据时拒绝）</translation>
    </message>
    <message>
        <source>Build the deterministic demo precinct: same seed, same contents. An earlier demo in the database is replaced; a database with real data is left alone.</source>
        <translation>生成确定性的演示派出所：种子相同，内容相同。数据库中已有的演示数据会被替换；有真实数据的数据库不做任何改动。</translation>
    </message>
    <message>
        <source>random seed (default 1)</source>
        <translation>随机种子（默认 1）</translation>
    </message>
    <message>
        <source>days of incident history (default 90)</source>
        <translation>警情历史天数（默认 90）</translation>
    </message>
    <message>
        <source>print the summary as JSON</source>
        <translation>以 JSON 输出汇总</translation>
    </message>
    <message>
        <source>--days must be between 1 and 3660, not {days}</source>
        <translation>--days 必须在 1 到 3660 之间，不能是 {days}</translation>
    </message>
    <message>
        <source>demo precinct rebuilt in {database} ({seconds} s)</source>
        <translation>已在 {database} 重建演示派出所（用时 {seconds} 秒）</translation>
    </message>
    <message>
        <source>demo precinct built in {database} ({seconds} s)</source>
        <translation>已在 {database} 生成演示派出所（用时 {seconds} 秒）</translation>
    </message>
    <message>
        <source>{station} ({code}): {districts} districts, {small} small grids, {micro} micro grids, {officers} officers and auxiliaries, {units} units</source>
        <translation>{station}（{code}）：警务区 {districts} 个，小网格 {small} 个，微网格 {micro} 个，民警和辅警 {officers} 人，警组 {units} 个</translation>
    </message>
    <message>
        <source>{incidents} incidents over {days} days ({open} open now), {events} events, {dispatches} dispatches; {tasks} follow-up tasks, {disputes} disputes in the register</source>
        <translation>{days} 天内警情 {incidents} 起（当前未结 {open} 起），处置记录 {events} 条，派警 {dispatches} 次；派单任务 {tasks} 条，矛盾纠纷台账 {disputes} 件</translation>
    </message>
    <message>
        <source>sign in with any of these users, password '{password}':</source>
        <translation>可用以下任一用户登录，密码均为“{password}”：</translation>
    </message>
    <message>
        <source>check this installation: Qt, Chinese fonts, translations, the bulletin's web engine, migrations, settings, keyring and the database</source>
        <translation>检查本机安装：Qt、中文字体、翻译、周通报的网页引擎、数据库迁移脚本、设置、密钥环和数据库</translation>
    </message>
    <message>
        <source>one JSON object per check (in English, for scripts)</source>
        <translation>每项检查输出一个 JSON 对象（英文，供脚本读取）</translation>
    </message>
    <message>
        <source>skip the web engine check (it starts a browser process)</source>
        <translation>跳过网页引擎检查（该检查会启动浏览器进程）</translation>
    </message>
    <message>
        <source>version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>qt</source>
        <translation>Qt 框架</translation>
    </message>
    <message>
        <source>resources</source>
        <translation>资源文件</translation>
    </message>
    <message>
        <source>translations</source>
        <translation>翻译</translation>
    </message>
    <message>
        <source>fonts</source>
        <translation>字体</translation>
    </message>
    <message>
        <source>web engine</source>
        <translation>网页引擎</translation>
    </message>
    <message>
        <source>licences</source>
        <translation>许可证</translation>
    </message>
    <message>
        <source>settings files</source>
        <translation>设置文件</translation>
    </message>
    <message>
        <source>data folder</source>
        <translation>数据文件夹</translation>
    </message>
    <message>
        <source>keyring</source>
        <translation>密钥环</translation>
    </message>
    <message>
        <source>migrations</source>
        <translation>迁移脚本</translation>
    </message>
    <message>
        <source>database</source>
        <translation>数据库</translation>
    </message>
    <message>
        <source>{folder} (newest schema {head})</source>
        <translation>{folder}（最新结构 {head}）</translation>
    </message>
    <message>
        <source>{file}: not created yet (the console creates it on first start)</source>
        <translation>{file}：尚未创建（值班台首次启动时创建）</translation>
    </message>
    <message>
        <source>{database}: empty (the console sets it up on first start)</source>
        <translation>{database}：空库（值班台首次启动时初始化）</translation>
    </message>
    <message>
        <source>{database}: schema {current}, up to date</source>
        <translation>{database}：结构版本 {current}，已是最新</translation>
    </message>
    <message>
        <source>{database}: schema {current}; this console's is {head} (`db upgrade`)</source>
        <translation>{database}：结构版本 {current}；本值班台为 {head}（请运行 `db upgrade`）</translation>
    </message>
    <message>
        <source>{kind}: {message}</source>
        <translation>出错（{kind}）：{message}</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>FAIL</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>export a ledger (台账) to Excel</source>
        <translation>将台账导出为 Excel</translation>
    </message>
    <message>
        <source>Export a ledger for the China-time days FROM..TO (inclusive) to an .xlsx file. Phone and ID numbers are masked unless --unmask is given by a user allowed to see them.</source>
        <translation>将北京时间 FROM 至 TO（含）各天的台账导出为 .xlsx 文件。电话和身份证号均做脱敏处理，除非有权查看的用户给出 --unmask。</translation>
    </message>
    <message>
        <source>one of: {ledgers}</source>
        <translation>可选：{ledgers}</translation>
    </message>
    <message>
        <source>first day, e.g. 2026-11-16</source>
        <translation>起始日期，例如 2026-11-16</translation>
    </message>
    <message>
        <source>last day (inclusive), e.g. 2026-11-22</source>
        <translation>截止日期（含），例如 2026-11-22</translation>
    </message>
    <message>
        <source>the .xlsx file to write</source>
        <translation>要写入的 .xlsx 文件</translation>
    </message>
    <message>
        <source>write phone and ID numbers in full (audited; needs the permission)</source>
        <translation>写出完整的电话和身份证号（记入审计日志；需有相应权限）</translation>
    </message>
    <message>
        <source>only this police district (grid id)</source>
        <translation>只导出该警务区（网格编号）</translation>
    </message>
    <message>
        <source>print every ledger's columns and exit</source>
        <translation>列出各台账的列并退出</translation>
    </message>
    <message>
        <source>missing {what} (see precinct-console export --help)</source>
        <translation>缺少 {what}（参见 precinct-console export --help）</translation>
    </message>
    <message>
        <source>{done} rows</source>
        <translation>已写 {done} 行</translation>
    </message>
    <message>
        <source>{path}: {title}, {period}, {rows} rows in {sheets} sheet(s), masked, {seconds} s</source>
        <translation>{path}：{title}，{period}，共 {rows} 行、{sheets} 个工作表，已脱敏，用时 {seconds} 秒</translation>
    </message>
    <message>
        <source>{path}: {title}, {period}, {rows} rows in {sheets} sheet(s), UNMASKED, {seconds} s</source>
        <translation>{path}：{title}，{period}，共 {rows} 行、{sheets} 个工作表，未脱敏（含完整号码），用时 {seconds} 秒</translation>
    </message>
    <message>
        <source>text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>date and time</source>
        <translation>日期时间</translation>
    </message>
    <message>
        <source>date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>duration</source>
        <translation>时长</translation>
    </message>
    <message>
        <source>whole number</source>
        <translation>整数</translation>
    </message>
    <message>
        <source>decimal number</source>
        <translation>小数</translation>
    </message>
    <message>
        <source>coordinate</source>
        <translation>坐标</translation>
    </message>
    <message>
        <source>percentage</source>
        <translation>百分比</translation>
    </message>
    <message>
        <source>phone number</source>
        <translation>电话号码</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>身份证号</translation>
    </message>
    <message>
        <source>{title} ({key}): {description}. Its columns:</source>
        <translation>{title}（{key}）：{description}。各列：</translation>
    </message>
    <message>
        <source>{header} (type: {kind}): {doc}</source>
        <translation>{header}（类型：{kind}）：{doc}</translation>
    </message>
    <message>
        <source>{header} (type: {kind})</source>
        <translation>{header}（类型：{kind}）</translation>
    </message>
    <message>
        <source>grids, patrol zones, key sites, posts and must-patrol points (GeoJSON)</source>
        <translation>网格、巡区、重点部位、警务站和必巡点（GeoJSON）</translation>
    </message>
    <message>
        <source>import a GeoJSON file (all or nothing)</source>
        <translation>导入 GeoJSON 文件（全部导入或全不导入）</translation>
    </message>
    <message>
        <source>Read a GeoJSON FeatureCollection in WGS84 longitude/latitude, check all of it and write nothing when anything is wrong (every problem listed by feature number, code and property). Features are updated by code; docs/geojson.md lists the properties read.</source>
        <translation>读取 WGS84 经纬度的 GeoJSON FeatureCollection，全部检查一遍，有任何错误则不写入（逐条列出问题所在的要素序号、编码和属性）。要素按编码更新；读取的属性见 docs/geojson.md。</translation>
    </message>
    <message>
        <source>the GeoJSON file</source>
        <translation>GeoJSON 文件</translation>
    </message>
    <message>
        <source>layer of features that do not name one in their properties</source>
        <translation>属性中未注明图层的要素所属的图层</translation>
    </message>
    <message>
        <source>export the station's geometry as GeoJSON</source>
        <translation>将本所的地理数据导出为 GeoJSON</translation>
    </message>
    <message>
        <source>file to write (default: standard output)</source>
        <translation>要写入的文件（默认：标准输出）</translation>
    </message>
    <message>
        <source>only this layer (repeatable; default: all)</source>
        <translation>只导出该图层（可重复使用；默认：全部）</translation>
    </message>
    <message>
        <source>print a grid's public notice board (公示牌) to PDF</source>
        <translation>将网格公示牌输出为 PDF</translation>
    </message>
    <message>
        <source>the grid's code</source>
        <translation>网格编码</translation>
    </message>
    <message>
        <source>PDF file to write</source>
        <translation>要写入的 PDF 文件</translation>
    </message>
    <message>
        <source>imported {count} feature(s) from {file}: {summary}</source>
        <translation>已从 {file} 导入 {count} 个要素：{summary}</translation>
    </message>
    <message>
        <source>note: {points} stand(s) in none of the station's grids: check the coordinates</source>
        <translation>说明：{points} 不在本所任何网格内，请核对坐标</translation>
    </message>
    <message>
        <source>grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>patrol_zone</source>
        <translation>巡区</translation>
    </message>
    <message>
        <source>key_site</source>
        <translation>重点部位</translation>
    </message>
    <message>
        <source>post</source>
        <translation>警务站</translation>
    </message>
    <message>
        <source>patrol_point</source>
        <translation>必巡点</translation>
    </message>
    <message>
        <source>patrol_line</source>
        <translation>巡逻线路</translation>
    </message>
    <message>
        <source>{layer}: {new} new, {updated} updated, {unchanged} unchanged</source>
        <translation>{layer}：新增 {new}，更新 {updated}，未变 {unchanged}</translation>
    </message>
    <message>
        <source>{layer}: {new} new, {updated} updated</source>
        <translation>{layer}：新增 {new}，更新 {updated}</translation>
    </message>
    <message>
        <source>nothing to import</source>
        <translation>没有可导入的内容</translation>
    </message>
    <message>
        <source>wrote {count} feature(s) to {file}</source>
        <translation>已将 {count} 个要素写入 {file}</translation>
    </message>
    <message>
        <source>wrote the notice board of {code} {name} to {path}</source>
        <translation>已将 {code} {name} 的公示牌写入 {path}</translation>
    </message>
    <message>
        <source>Read one incident as a JSON object on stdin and print its number. Keys: channel,
category_code, address (required), caller_name, caller_phone, content, priority (1-3),
lon, lat, grid_id, received_at (ISO time; default now), needs_reinforcement, link_to (an open
incident's id: the call is recorded as a duplicate on it). The ledger's Chinese column names
(报警方式, 警情类别, 发案地址 ...) are accepted as keys too.
Example:
  echo '{"channel": "110", "category_code": "0601", "address": "城关路12号"}' |
    precinct-console incident add --user duty1
</source>
        <translation>从标准输入读取一起警情（一个 JSON 对象），输出其警情编号。键：channel（报警方式）、
category_code（警情类别）、address（地址，必填）、caller_name（报警人）、caller_phone
（联系电话）、content（简要案情）、priority（等级 1-3）、lon、lat（经纬度）、grid_id（网格）、
received_at（接警时间，ISO 格式；默认为当前时间）、needs_reinforcement（需增援）、link_to
（一起未结警情的编号：本次报警记为该警情的重复报警）。也可用台账的中文列名
（报警方式、警情类别、发案地址……）作键。
示例：
  echo '{"channel": "110", "category_code": "0601", "address": "城关路12号"}' |
    precinct-console incident add --user duty1
</translation>
    </message>
    <message>
        <source>A channel may be typed short: 电话 (电话报警), 来所 (来所报警), 视频, 巡逻, 火警, 交通.
</source>
        <translation>报警方式可简写：电话（电话报警）、来所（来所报警）、视频、巡逻、火警、交通。
</translation>
    </message>
    <message>
        <source>Import incidents from a ledger file. One bad row imports nothing; the error
names the row and the column (exit status 1).

Columns (header row; order free, unknown columns ignored):
    报警时间   call time, e.g. 2026-11-20 09:05:00 (China time unless a zone is given)   required
    报警方式   channel: 110, 122, 119, walk_in, phone, video, patrol or 110报警, 来所报警 ...  required
    警情类别   category code (0601) or Chinese name (家庭纠纷) or path (纠纷/家庭纠纷)     required
    发案地址   address                                                                   required
    报警人     caller name              联系电话   caller phone
    经度/纬度  longitude/latitude (WGS84)   网格   grid code (else found from the coordinates)
    简要案情   content                  等级       priority 1-3 (or 一级/二级/三级)
    需增援     needs reinforcement (是/否)
    派警时间 签收时间 出警时间 到场时间 处置完毕时间 反馈时间 归档时间   step times already recorded
    处置情况   handling summary         处置结果   result
警情类型 and 警情细类 columns, when present, refine 警情类别 (the finest filled one counts).
</source>
        <translation>从台账文件导入警情。任何一行有错则全部不导入；错误信息指明行号和列名（退出状态 1）。

列（首行为表头；顺序不限，无法识别的列忽略）：
    报警时间   例如 2026-11-20 09:05:00（未注明时区即为北京时间）                   必填
    报警方式   110、122、119、walk_in、phone、video、patrol 或 110报警、来所报警……  必填
    警情类别   类别代码（0601）、中文名称（家庭纠纷）或路径（纠纷/家庭纠纷）        必填
    发案地址   地址                                                                 必填
    报警人     报警人姓名           联系电话   报警人电话
    经度/纬度  经纬度（WGS84）      网格       网格编码（未填时按经纬度确定）
    简要案情   案情内容             等级       等级 1-3（或 一级/二级/三级）
    需增援     是否需要增援（是/否）
    派警时间 签收时间 出警时间 到场时间 处置完毕时间 反馈时间 归档时间   已记录的各环节时间
    处置情况   处置情况概述         处置结果   处置结果
有 警情类型 和 警情细类 列时，用于细化 警情类别（以填写的最细一级为准）。
</translation>
    </message>
    <message>
        <source>    警情编号   incident number: kept when given (else numbered on import)
The console's own 警情台账 export (export incidents --unmask) imports as it is: 接警时间,
发生地址, 简要警情 and 优先级 are read as 报警时间, 发案地址, 简要案情 and 等级, and its title
and totals rows are skipped. Its 状态 is not copied: each incident's status follows the step
times imported.
</source>
        <translation>    警情编号   警情编号：填写的保留原编号（未填的导入时重新编号）
本系统导出的警情台账（export incidents --unmask）可原样导入：其中的接警时间、发生地址、
简要警情、优先级分别按报警时间、发案地址、简要案情、等级读取，标题行和合计行自动跳过。
台账中的“状态”不照搬：每起警情的状态由导入的各环节时间得出。
</translation>
    </message>
    <message>
        <source>A category name two parents share (其他) is told apart by its path, 刑事/盗窃/其他 (/, ／, &gt;
or ＞ between the levels), or its code; 警情类别, 警情类型 and 警情细类 are read together as a path.
A two-row header (处警情况 merged over 出警时间 and 到场时间) is read as one. Every problem of the
file is listed at once.
</source>
        <translation>两个上级类别下同名的类别（如“其他”）按完整路径区分，如 刑事/盗窃/其他（各级之间用 /、／、&gt; 或 ＞
分隔），或填写类别代码；警情类别、警情类型、警情细类三列合起来按路径读取。
两行表头（“处警情况”合并在“出警时间”“到场时间”之上）按一行表头读取。文件中的所有问题一次列出。
</translation>
    </message>
    <message>
        <source>take in or import incidents</source>
        <translation>接报或导入警情</translation>
    </message>
    <message>
        <source>one incident from JSON on stdin; prints its number</source>
        <translation>从标准输入的 JSON 接报一起警情；输出警情编号</translation>
    </message>
    <message>
        <source>print the whole incident as JSON</source>
        <translation>以 JSON 输出整条警情</translation>
    </message>
    <message>
        <source>import an incident-ledger file (CSV or XLSX); all rows or none</source>
        <translation>导入警情台账文件（CSV 或 XLSX）；全部导入或全不导入</translation>
    </message>
    <message>
        <source>a .csv (UTF-8 or GB18030) or .xlsx file</source>
        <translation>.csv（UTF-8 或 GB18030 编码）或 .xlsx 文件</translation>
    </message>
    <message>
        <source>open incidents (or, with --search, any), one JSON object a line</source>
        <translation>未结警情（或用 --search 查找任意警情），每行一个 JSON 对象</translation>
    </message>
    <message>
        <source>words in number, address, content, caller or phone</source>
        <translation>编号、地址、案情、报警人或电话中的字词</translation>
    </message>
    <message>
        <source>at most this many (default 500)</source>
        <translation>最多输出条数（默认 500）</translation>
    </message>
    <message>
        <source>one incident with its whole history, as JSON</source>
        <translation>以 JSON 输出一起警情及其全部处置记录</translation>
    </message>
    <message>
        <source>its number (20261120-0007) or id</source>
        <translation>警情编号（20261120-0007）或内部编号</translation>
    </message>
    <message>
        <source>ignored column(s): {columns}</source>
        <translation>已忽略的列：{columns}</translation>
    </message>
    <message>
        <source>status not copied: each incident's status follows its imported step times; units, officers and the other ignored columns stay in the old database</source>
        <translation>状态未照搬：每起警情的状态由导入的各环节时间得出；处警单位、处警民警及其他未读取的列仍留在原数据库中</translation>
    </message>
    <message>
        <source>imported {count} incident(s) ({first} .. {last}); {repeats} flagged as repeats</source>
        <translation>已导入警情 {count} 起（{first} 至 {last}）；其中 {repeats} 起标记为重复警情</translation>
    </message>
    <message>
        <source>no incident numbered {number}</source>
        <translation>没有编号为 {number} 的警情</translation>
    </message>
    <message>
        <source>server URL with the password written as {keyring}, e.g. postgresql+psycopg://precinct:{keyring}@db.station.local/precinct (default: database_url of the settings file)</source>
        <translation>数据库服务器地址，密码处写作 {keyring}，例如 postgresql+psycopg://precinct:{keyring}@db.station.local/precinct（默认：设置文件中的 database_url）</translation>
    </message>
    <message>
        <source>keep the database password in the platform keyring (Windows Credential Manager, Secret Service on Linux)</source>
        <translation>将数据库密码保存在系统密钥环中（Windows 凭据管理器，Linux 上为 Secret Service）</translation>
    </message>
    <message>
        <source>read the password from the first line of standard input</source>
        <translation>从标准输入的第一行读取密码</translation>
    </message>
    <message>
        <source>store without first signing in to the server with it</source>
        <translation>不先用该密码登录服务器验证，直接保存</translation>
    </message>
    <message>
        <source>remove the database password from the keyring</source>
        <translation>从密钥环中删除数据库密码</translation>
    </message>
    <message>
        <source>name the database with --db URL (the settings file names none: the console is on its embedded SQLite file, which has no password)</source>
        <translation>请用 --db 地址 指定数据库（设置文件未指定：值班台使用内置的 SQLite 数据库文件，无需密码）</translation>
    </message>
    <message>
        <source>database password: </source>
        <translation>数据库密码：</translation>
    </message>
    <message>
        <source>the two passwords differ; nothing was stored</source>
        <translation>两次输入的密码不一致；未保存任何内容</translation>
    </message>
    <message>
        <source>the server refused the password ({reason}); nothing was stored (--no-check stores it anyway)</source>
        <translation>服务器拒绝了该密码（{reason}）；未保存任何内容（用 --no-check 可强制保存）</translation>
    </message>
    <message>
        <source>the password is empty; nothing was stored</source>
        <translation>密码为空；未保存任何内容</translation>
    </message>
    <message>
        <source>password for {account} stored in the keyring (service '{service}')</source>
        <translation>{account} 的密码已保存到密钥环（服务“{service}”）</translation>
    </message>
    <message>
        <source>note: the console reads it only when the URL's password is {placeholder}, e.g. database_url = "{url}"</source>
        <translation>注意：只有数据库地址中的密码写作 {placeholder} 时值班台才会读取它，例如 database_url = "{url}"</translation>
    </message>
    <message>
        <source>password for {account} removed from the keyring</source>
        <translation>已从密钥环删除 {account} 的密码</translation>
    </message>
    <message>
        <source>no password for {account} was stored</source>
        <translation>密钥环中没有 {account} 的密码</translation>
    </message>
    <message>
        <source>feed live incidents and unit movements into a demo station</source>
        <translation>向演示派出所持续输入模拟警情和警组动态</translation>
    </message>
    <message>
        <source>Acts as the demo's 'sim' duty officer: new calls arrive at random (more in the evening), units are dispatched, sign, set off, drive, arrive, handle, feed back and close, all through the services, so consoles on the same database show a live shift. Prints its figures as JSON at the end.</source>
        <translation>扮演演示库中的“sim”值班民警：随机产生新报警（晚间较多），警组派警、签收、出警、行驶、到场、处置、反馈、归档，全部经由业务服务完成，使用同一数据库的值班台即可看到实时的班次。结束时以 JSON 输出统计数字。</translation>
    </message>
    <message>
        <source>average new calls per simulated hour (default 20; a station has 2-5)</source>
        <translation>每模拟小时平均新报警数（默认 20；一般派出所为 2-5）</translation>
    </message>
    <message>
        <source>surge: exactly this many new calls per second, nobody dispatched</source>
        <translation>压力测试：每秒固定产生这么多新报警，不派警</translation>
    </message>
    <message>
        <source>simulated seconds per real second (default 1)</source>
        <translation>每实际秒对应的模拟秒数（默认 1）</translation>
    </message>
    <message>
        <source>stop after this many seconds</source>
        <translation>运行这么多秒后停止</translation>
    </message>
    <message>
        <source>random seed (default: random)</source>
        <translation>随机种子（默认：随机）</translation>
    </message>
    <message>
        <source>the demo user the feed acts as (default sim)</source>
        <translation>模拟输入所用的演示用户（默认 sim）</translation>
    </message>
    <message>
        <source>surge: call-takers taking calls in at once, each its own workstation (default 1)</source>
        <translation>压力测试：同时接警的接警员数，各占一个席位（默认 1）</translation>
    </message>
    <message>
        <source>the feed's clock starts at this instant (with time zone) and runs in real time; for benchmarks on a database built for a fixed date (default: now)</source>
        <translation>模拟时钟从该时刻（须带时区）开始按实际时间运行；用于在按固定日期生成的数据库上做基准测试（默认：当前时间）</translation>
    </message>
    <message>
        <source>--{option} must be positive, not {value}</source>
        <translation>--{option} 必须为正数，不能是 {value}</translation>
    </message>
    <message>
        <source>--start '{text}' is not an ISO time</source>
        <translation>--start“{text}”不是 ISO 格式的时间</translation>
    </message>
    <message>
        <source>--start '{text}' must carry a time zone (e.g. +08:00)</source>
        <translation>--start“{text}”必须带时区（例如 +08:00）</translation>
    </message>
    <message>
        <source>surge: {incidents} incidents in {seconds} s = {rate}/s (asked {asked}/s, {seats} seat(s)); intake median {median} ms, slowest {slowest} ms; {behind} s behind at the end</source>
        <translation>压力测试：{seconds} 秒内接报警情 {incidents} 起 = 每秒 {rate} 起（要求每秒 {asked} 起，{seats} 个席位）；接报耗时中位数 {median} 毫秒，最慢 {slowest} 毫秒；结束时落后 {behind} 秒</translation>
    </message>
    <message>
        <source>render the window and each panel to PNG files</source>
        <translation>将主窗口和各面板渲染为 PNG 文件</translation>
    </message>
    <message>
        <source>folder for the PNG files</source>
        <translation>存放 PNG 文件的文件夹</translation>
    </message>
    <message>
        <source>station code (default: the first station)</source>
        <translation>派出所代码（默认：第一个派出所）</translation>
    </message>
    <message>
        <source>window size, WIDTHxHEIGHT</source>
        <translation>窗口大小，宽x高（WIDTHxHEIGHT）</translation>
    </message>
    <message>
        <source>whose view to render (default duty_officer; clerk shows the ledger panel enabled)</source>
        <translation>按哪个角色的视图渲染（默认 duty_officer；clerk 时台账面板可用）</translation>
    </message>
    <message>
        <source>only these panels, comma-separated keys (e.g. board,map)</source>
        <translation>只渲染这些面板，键名以逗号分隔（例如 board,map）</translation>
    </message>
    <message>
        <source>--size '{text}' is not WIDTHxHEIGHT, e.g. 1600x1000</source>
        <translation>--size“{text}”不是“宽x高”的形式，例如 1600x1000</translation>
    </message>
    <message>
        <source>--panels: no panel {names} (the panels: {keys})</source>
        <translation>--panels：没有面板 {names}（可选面板：{keys}）</translation>
    </message>
    <message>
        <source>the database holds no station: build the demo with 'precinct-console demo' or set up the station first</source>
        <translation>数据库中没有派出所：请先用“precinct-console demo”建立演示派出所，或先设置本所</translation>
    </message>
    <message>
        <source>apply the follow-up rules and escalate overdue tasks, once</source>
        <translation>执行一次派单规则，并上报逾期任务</translation>
    </message>
    <message>
        <source>What the scheduled follow-up job does every few minutes, run once for the acting user's station (useful from a scheduled task on a machine without the console).</source>
        <translation>即定时派单作业每隔几分钟所做的事，为操作用户所在派出所执行一次（适合在未装值班台的机器上由计划任务调用）。</translation>
    </message>
    <message>
        <source>print a community officer's daily work list to PDF</source>
        <translation>将社区民警的每日工作清单输出为 PDF</translation>
    </message>
    <message>
        <source>The officer's overdue tasks, tasks due on the day and dispute revisits, as the printed sheet handed out each morning (PDF, or HTML when FILE ends in .html).</source>
        <translation>该民警的逾期任务、当天到期任务和纠纷回访，即每天早上发放的打印清单（PDF；文件名以 .html 结尾时为 HTML）。</translation>
    </message>
    <message>
        <source>the officer's badge number</source>
        <translation>民警警号</translation>
    </message>
    <message>
        <source>the day (default: today, China time)</source>
        <translation>日期（默认：今天，北京时间）</translation>
    </message>
    <message>
        <source>{created} follow-up task(s) created, {escalated} escalated, {near} near and {overdue} overdue alert(s)</source>
        <translation>新建派单任务 {created} 条，上报 {escalated} 条，临期预警 {near} 条，逾期预警 {overdue} 条</translation>
    </message>
    <message>
        <source>created {number}</source>
        <translation>已新建 {number}</translation>
    </message>
    <message>
        <source>escalated {number}</source>
        <translation>已上报 {number}</translation>
    </message>
    <message>
        <source>--day '{text}' is not a date like 2026-11-20</source>
        <translation>--day“{text}”不是形如 2026-11-20 的日期</translation>
    </message>
    <message>
        <source>no active officer with badge '{badge}' in this station</source>
        <translation>本所没有警号为“{badge}”的在职民警</translation>
    </message>
    <message>
        <source>print change-feed events as JSON lines as they happen</source>
        <translation>实时输出变更事件，每行一个 JSON</translation>
    </message>
    <message>
        <source>replay events after this id first</source>
        <translation>先重放该编号之后的事件</translation>
    </message>
    <message>
        <source>cannot write {path}: {reason}</source>
        <translation>无法写入 {path}：{reason}</translation>
    </message>
    <message>
        <source>the bulletin page did not load</source>
        <translation>通报页面未能加载</translation>
    </message>
    <message>
        <source>timed out rendering the PDF</source>
        <translation>生成 PDF 超时</translation>
    </message>
    <message>
        <source>printing the bulletin to {path} failed</source>
        <translation>无法将通报打印到 {path}</translation>
    </message>
    <message>
        <source>Qt {qt}, PySide6 {pyside}, platform {platform}</source>
        <translation>Qt {qt}，PySide6 {pyside}，平台 {platform}</translation>
    </message>
    <message>
        <source>FileNotFoundError: {path} is missing</source>
        <translation>缺少 {path}</translation>
    </message>
    <message>
        <source>FileNotFoundError: no precinct_console_*.qm in {folder}</source>
        <translation>{folder} 中没有 precinct_console_*.qm 翻译文件</translation>
    </message>
    <message>
        <source>ValueError: {file} does not load</source>
        <translation>{file} 无法加载</translation>
    </message>
    <message>
        <source>ValueError: {file} holds no translated strings (unfinished .ts?)</source>
        <translation>{file} 中没有已翻译的文本（.ts 未译完？）</translation>
    </message>
    <message>
        <source>FileNotFoundError: Qt's own qtbase_zh_CN.qm is not in {folder}</source>
        <translation>{folder} 中没有 Qt 自带的 qtbase_zh_CN.qm</translation>
    </message>
    <message>
        <source>{languages} (and Qt's qtbase_zh_CN)</source>
        <translation>{languages}（及 Qt 自带的 qtbase_zh_CN）</translation>
    </message>
    <message>
        <source>LookupError: the interface font resolves to '{family}', which has no Chinese glyphs; install Microsoft YaHei (Windows) or Noto Sans CJK (Linux: fonts-noto-cjk)</source>
        <translation>界面字体解析为“{family}”，其中没有中文字形；请安装微软雅黑（Windows）或 Noto Sans CJK（Linux：fonts-noto-cjk）</translation>
    </message>
    <message>
        <source>RuntimeError: the page did not load</source>
        <translation>测试页面未能加载</translation>
    </message>
    <message>
        <source>TimeoutError: no PDF within {seconds} s</source>
        <translation>{seconds} 秒内未生成 PDF</translation>
    </message>
    <message>
        <source>HTML to PDF in {seconds} s ({size} bytes)</source>
        <translation>网页转 PDF 用时 {seconds} 秒（{size} 字节）</translation>
    </message>
    <message>
        <source>LookupError: no metadata (version, licence) for {names}</source>
        <translation>缺少以下程序库的版本和许可证信息：{names}</translation>
    </message>
    <message>
        <source>{count} bundled libraries with version and licence</source>
        <translation>{count} 个附带程序库，版本和许可证信息齐全</translation>
    </message>
    <message>
        <source>machine {machine} ({machine_state}); user {user} ({user_state})</source>
        <translation>本机设置 {machine}（{machine_state}）；用户设置 {user}（{user_state}）</translation>
    </message>
    <message>
        <source>present</source>
        <translation>存在</translation>
    </message>
    <message>
        <source>absent</source>
        <translation>不存在</translation>
    </message>
    <message>
        <source>Precinct Console {version} (frozen build)</source>
        <translation>Precinct Console {version}（打包版）</translation>
    </message>
    <message>
        <source>{version} (frozen build)</source>
        <translation>{version}（打包版）</translation>
    </message>
    <message>
        <source>{version} (installed from source)</source>
        <translation>{version}（源码安装）</translation>
    </message>
    <message>
        <source>{python} on {system} {release} {machine}</source>
        <translation>{python}，运行于 {system} {release} {machine}</translation>
    </message>
    <message>
        <source>Read one patrol as a JSON object on stdin and record it (巡逻登记). Keys:
starts_at and ends_at (ISO times, China time unless a zone is given; required), officers
(required), unit (call sign), zone (patrol zone name or code), route, people_checked,
vehicles_checked, stakeouts, arrests (whole numbers), result.
Example:
  echo '{"starts_at": "2026-12-06T19:00", "ends_at": "2026-12-06T22:00", "unit": "巡01",
         "officers": "张伟、王芳", "route": "解放路—夜市", "people_checked": 6}' |
    precinct-console patrol add --user duty1
</source>
        <translation>从标准输入读取一条 JSON 格式的巡逻记录并登记（巡逻登记）。键：
starts_at 和 ends_at（ISO 时间，未注明时区的按北京时间；必填），officers 巡逻人员
（必填），unit 警组呼号，zone 巡区名称或编码，route 巡逻路线，people_checked 盘查人员、
vehicles_checked 盘查车辆、stakeouts 定点守候、arrests 现场抓获（整数），result 巡逻成效。
示例：
  echo '{"starts_at": "2026-12-06T19:00", "ends_at": "2026-12-06T22:00", "unit": "巡01",
         "officers": "张伟、王芳", "route": "解放路—夜市", "people_checked": 6}' |
    precinct-console patrol add --user duty1
</translation>
    </message>
    <message>
        <source>patrol records (巡逻登记): add one, list the latest</source>
        <translation>巡逻登记：登记一条、列出最近的记录</translation>
    </message>
    <message>
        <source>record one patrol from JSON on stdin</source>
        <translation>从标准输入的 JSON 登记一条巡逻</translation>
    </message>
    <message>
        <source>the latest patrols recorded, newest first</source>
        <translation>最近登记的巡逻，最新的在前</translation>
    </message>
    <message>
        <source>how many (default 20)</source>
        <translation>条数（默认 20）</translation>
    </message>
    <message>
        <source>one JSON object per line</source>
        <translation>每行一个 JSON 对象</translation>
    </message>
    <message>
        <source>take a mistaken record out of the ledger (the audit log keeps it and the reason)</source>
        <translation>撤销一条登记有误的记录（审计日志保留原记录和原因）</translation>
    </message>
    <message>
        <source>the record's id, as `patrol list` shows it</source>
        <translation>记录编号（见 `patrol list`）</translation>
    </message>
    <message>
        <source>why it is withdrawn</source>
        <translation>撤销原因</translation>
    </message>
    <message>
        <source>recorded patrol: {line}</source>
        <translation>已登记巡逻：{line}</translation>
    </message>
    <message>
        <source>withdrew patrol {id}</source>
        <translation>已撤销巡逻记录 {id}</translation>
    </message>
    <message>
        <source>it is %1</source>
        <translation>当前%1</translation>
    </message>
    <message>
        <source>not free</source>
        <translation>不在空闲状态</translation>
    </message>
    <message>
        <source>the plan pins it to its point</source>
        <translation>方案已将其固定在点位</translation>
    </message>
    <message>
        <source>it is on its timed duty</source>
        <translation>正在定时守点</translation>
    </message>
    <message>
        <source>on a call, pinned or on a timed duty</source>
        <translation>正在出警、已固定点位或正在定时守点</translation>
    </message>
    <message>
        <source>Import the station's staff list (花名册) from an .xlsx or .csv file: officers not on
the roll are added, those on it (same badge) get the file's values. One bad row imports nothing;
every problem is named by row (as Excel shows it) and column (exit status 1). Officers on the roll
the file leaves out stay on it. --dry-run shows what would happen and saves nothing.

Columns (a header row, in any order; a title row above it is fine):
    警号 / 辅警编号    badge (an auxiliary's number may have its own column)   required
    姓名               name                                                    required
    人员类别           民警 or 辅警 (辅警 in the 警衔 column says the same)
    警衔               rank          岗位   role (巡逻防控, 指挥室, 社区警务 ...)
    班组               team          电话   phone
    技能               skills, 急救、调解      驾照   licence classes, C1、E (无人机 for drones)
English headers are read too (badge, name, kind, rank, role, team, phone, skills, licences).
Other columns (序号, 性别, 身份证号 ...) are not kept: they are listed.
</source>
        <translation>从 .xlsx 或 .csv 文件导入本所花名册：不在册的人员新增，已在册的（警号相同）按文件更新。
有一行出错即全部不导入；每处问题都注明行号（与 Excel 显示一致）和列名（退出状态 1）。
文件中没有的在册人员仍保留在册。--dry-run 只显示将要发生的变化，不保存。

列（一行表头，顺序不限；表头上方可有标题行）：
    警号 / 辅警编号    警号（辅警编号可单独一列）                               必填
    姓名               姓名                                                     必填
    人员类别           民警 或 辅警（“警衔”列填“辅警”亦可）
    警衔               警衔          岗位   岗位（巡逻防控、指挥室、社区警务……）
    班组               班组          电话   电话
    技能               技能，如 急救、调解    驾照   准驾车型，如 C1、E（无人机写“无人机”）
也可使用英文表头（badge, name, kind, rank, role, team, phone, skills, licences）。
其他列（序号、性别、身份证号……）不保存，会列出。
</translation>
    </message>
    <message>
        <source>the station's roll of officers and auxiliaries, and planning its shifts</source>
        <translation>本所民警、辅警花名册及排班</translation>
    </message>
    <message>
        <source>import the staff list (花名册) from .xlsx or .csv; all rows or none</source>
        <translation>从 .xlsx 或 .csv 导入花名册；全部导入或全不导入</translation>
    </message>
    <message>
        <source>a .xlsx or .csv (UTF-8 or GBK) file</source>
        <translation>.xlsx 或 .csv（UTF-8 或 GBK 编码）文件</translation>
    </message>
    <message>
        <source>show what the import would add and change; save nothing</source>
        <translation>只显示导入将新增和变更的内容，不保存</translation>
    </message>
    <message>
        <source>name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>kind</source>
        <translation>人员类别</translation>
    </message>
    <message>
        <source>rank</source>
        <translation>警衔</translation>
    </message>
    <message>
        <source>role</source>
        <translation>岗位</translation>
    </message>
    <message>
        <source>team</source>
        <translation>班组</translation>
    </message>
    <message>
        <source>phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>skills</source>
        <translation>技能</translation>
    </message>
    <message>
        <source>driving licences</source>
        <translation>驾照</translation>
    </message>
    <message>
        <source>on the roll</source>
        <translation>在册</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>(empty)</source>
        <translation>（空）</translation>
    </message>
    <message>
        <source>{file}: {new} new, {changed} changed, {unchanged} unchanged</source>
        <translation>{file}：新增 {new} 人，变更 {changed} 人，无变化 {unchanged} 人</translation>
    </message>
    <message>
        <source>  new      row {row}: {who}</source>
        <translation>  新增  第 {row} 行：{who}</translation>
    </message>
    <message>
        <source>(same name as {badges} on the roll)</source>
        <translation>（与在册的 {badges} 同名）</translation>
    </message>
    <message>
        <source>  changed  row {row}: {who}: {changes}</source>
        <translation>  变更  第 {row} 行：{who}：{changes}</translation>
    </message>
    <message>
        <source>{count} officer(s) on the roll are not in the file and stay on it: {names}</source>
        <translation>名册中有 {count} 人不在文件中，仍保留在册：{names}</translation>
    </message>
    <message>
        <source>columns not imported (the console keeps nothing of them): {columns}</source>
        <translation>未导入的列（本系统不保存）：{columns}</translation>
    </message>
    <message>
        <source>row {row} is the template's example (张伟, 010001): not imported</source>
        <translation>第 {row} 行是模板的示例（张伟，010001）：未导入</translation>
    </message>
    <message>
        <source>only sheet {sheet} was read; not read: {sheets}</source>
        <translation>只读取了工作表“{sheet}”；未读取：{sheets}</translation>
    </message>
    <message>
        <source>dry run: nothing was saved</source>
        <translation>试运行：未保存任何内容</translation>
    </message>
    <message>
        <source>nothing to import: the roll already reads as the file</source>
        <translation>无需导入：名册已与文件一致</translation>
    </message>
    <message>
        <source>imported: {added} added, {updated} updated</source>
        <translation>已导入：新增 {added} 人，更新 {updated} 人</translation>
    </message>
    <message>
        <source>plan a period's shifts from a pattern, its teams on them and the units crewed</source>
        <translation>按排班模式排出一段时间的班次，各班组上岗并编排警组</translation>
    </message>
    <message>
        <source>Make the shifts of a period from one of the station's patterns (by name or id), or from a new one (--pattern four_three, duty_24h, three_two or standby, with --name and --teams), as the roster panel's Plan shifts… does: each team's officers are put on its shifts (those on leave left off) and, on a patrol or standby duty, in the units (a standby team in the standby cars, which patrol teams are never given), every vehicle with a licensed driver and every crew with a 民警. Shifts already planned are kept. Prints the shifts, entries and crews made and the roster rules the new shifts break; --dry-run saves nothing.</source>
        <translation>按本所已有的排班模式（名称或编号）或新建模式（--pattern four_three、duty_24h、three_two 或 standby，并给出 --name 和 --teams）排出一段时间的班次，与排班面板的“排班…”相同：各班组民警、辅警排上本组班次（休假、培训者除外）；巡逻或备勤勤务还编入警组（备勤班组用备勤车，巡逻班组不用），每辆车都有持相应驾照的驾驶员，每个警组都有民警。已排的班次保持不变。输出排出的班次、排班条目、警组，以及新班次违反的排班规则；--dry-run 不保存。</translation>
    </message>
    <message>
        <source>a pattern of the station (name or id), or a kind for a new one: duty_24h (24小时值班), four_three (四班三运转), three_two (三班二运转), standby (备勤)</source>
        <translation>本所的排班模式（名称或编号），或新模式的类型：duty_24h（24小时值班）、four_three（四班三运转）、three_two（三班二运转）、standby（备勤）</translation>
    </message>
    <message>
        <source>the teams in rotation order, as the officers' team field names them; a new pattern's (default: the kind's usual ones), or the pattern's own to check them</source>
        <translation>按轮转顺序列出班组，名称与人员的班组一栏一致；新模式的班组（默认为该类型的常用班组），或已有模式的班组（用于核对）</translation>
    </message>
    <message>
        <source>first duty day, e.g. 2027-01-01</source>
        <translation>起始勤务日，例如 2027-01-01</translation>
    </message>
    <message>
        <source>last duty day (inclusive)</source>
        <translation>截止勤务日（含）</translation>
    </message>
    <message>
        <source>a new pattern's name, e.g. 2027年四班三运转</source>
        <translation>新模式名称，例如 2027年四班三运转</translation>
    </message>
    <message>
        <source>a new pattern's handover time (default 08:30)</source>
        <translation>新模式的交接班时间（默认 08:30）</translation>
    </message>
    <message>
        <source>a new pattern's minimum staff per shift (default 0)</source>
        <translation>新模式每班最少在岗人数（默认 0）</translation>
    </message>
    <message>
        <source>what a new pattern's teams work (default: standby for a standby pattern, else patrol)</source>
        <translation>新模式班组的勤务（默认：备勤模式为备勤，其他为巡逻）</translation>
    </message>
    <message>
        <source>make the shifts only, with nobody on them</source>
        <translation>只排班次，不安排人员</translation>
    </message>
    <message>
        <source>on a patrol or standby duty, put the officers in the units too (default: yes); a standby team rides the station's standby cars, which patrol teams are never given</source>
        <translation>巡逻或备勤勤务同时编排警组（默认：是）；备勤班组只用本所备勤车，巡逻班组不使用备勤车</translation>
    </message>
    <message>
        <source>officers a unit goes out with at least, one of them a 民警 (default {n}: 双人巡逻); a one-seat unit takes one</source>
        <translation>每个警组至少出勤人数，其中至少一名民警（默认 {n}：双人巡逻）；单座警组一人</translation>
    </message>
    <message>
        <source>show what planning would do; save nothing</source>
        <translation>只显示排班结果，不保存</translation>
    </message>
    <message>
        <source>print the outcome as JSON (keys and codes in English)</source>
        <translation>以 JSON 输出结果（键名和代码为英文）</translation>
    </message>
    <message>
        <source>--to {last} is before --from {first}</source>
        <translation>--to {last} 早于 --from {first}</translation>
    </message>
    <message>
        <source>--crew-size: give 1 to {most}</source>
        <translation>--crew-size：请填 1 至 {most}</translation>
    </message>
    <message>
        <source>--teams: pattern {name} rotates {teams}, not {given}</source>
        <translation>--teams：模式 {name} 轮转的班组是 {teams}，不是 {given}</translation>
    </message>
    <message>
        <source>{flag} is for a new pattern; {name} is planned as it stands</source>
        <translation>{flag} 仅用于新建模式；{name} 按其现有设置排班</translation>
    </message>
    <message>
        <source>--pattern: no pattern {given} in this station (its patterns: {names}; or a new one: {kinds})</source>
        <translation>--pattern：本所没有排班模式 {given}（本所模式：{names}；或新建：{kinds}）</translation>
    </message>
    <message>
        <source>--name: {given} makes a new pattern, which needs a name; to plan one of the station's own, name it: {names}</source>
        <translation>--name：{given} 将新建排班模式，须用 --name 命名；如要排本所已有的模式，请写其名称或编号：{names}</translation>
    </message>
    <message>
        <source>--teams: {kind} needs at least {n} teams, {given} given</source>
        <translation>--teams：{kind} 至少需要 {n} 个班组，只给了 {given} 个</translation>
    </message>
    <message>
        <source>--teams: nobody on the roll is in {missing} (the roll's teams: {roll}); plan with --no-teams to make the shifts only</source>
        <translation>--teams：花名册上没有人属于 {missing}（花名册中的班组：{roll}）；如只排班次，请加 --no-teams</translation>
    </message>
    <message>
        <source>dry run, {name} {first} – {last}: {shifts} shift(s) and {entries} entry(ies) would be planned</source>
        <translation>试排 {name} {first} – {last}：将排出 {shifts} 个班次、{entries} 条排班</translation>
    </message>
    <message>
        <source>{name} {first} – {last}: {shifts} shift(s) planned, {entries} entry(ies)</source>
        <translation>{name} {first} – {last}：已排 {shifts} 个班次、{entries} 条排班</translation>
    </message>
    <message>
        <source>every shift of that period was already planned</source>
        <translation>该时段的班次均已排好</translation>
    </message>
    <message>
        <source>crews: {crews} formed (at least {size} in each, one of them a 民警)</source>
        <translation>警组：编成 {crews} 个（每组至少 {size} 人，其中有民警）</translation>
    </message>
    <message>
        <source>  kept for standby (备勤), not given to patrol: {units}</source>
        <translation>  留作备勤，不编入巡逻：{units}</translation>
    </message>
    <message>
        <source>  no licensed driver: {units}</source>
        <translation>  无持证驾驶员：{units}</translation>
    </message>
    <message>
        <source>{unit} ({n} shift(s))</source>
        <translation>{unit}（{n} 个班次）</translation>
    </message>
    <message>
        <source>  no licensed pilot: {units}</source>
        <translation>  无持证飞手：{units}</translation>
    </message>
    <message>
        <source>  left in, the team too small to crew them: {units}</source>
        <translation>  班组人手不足，未出勤：{units}</translation>
    </message>
    <message>
        <source>  {n} time(s) an officer found no free seat and is in no unit</source>
        <translation>  有 {n} 人次因无空座未编入警组</translation>
    </message>
    <message>
        <source>  {n} time(s) an officer is in no unit: too few on the shift to make a crew</source>
        <translation>  有 {n} 人次未编入警组：当班人数不足以编组</translation>
    </message>
    <message>
        <source>units not crewed: the pattern's teams are not on patrol or standby</source>
        <translation>未编排警组：该模式的班组不担任巡逻或备勤</translation>
    </message>
    <message>
        <source>roster rules broken on the new shifts: {n}</source>
        <translation>新班次违反排班规则：{n} 项</translation>
    </message>
    <message>
        <source> (on {n} shifts, {days})</source>
        <translation>（共 {n} 个班次，{days}）</translation>
    </message>
    <message>
        <source>no roster rule broken on the new shifts</source>
        <translation>新班次未违反排班规则</translation>
    </message>
</context>
<context>
    <name>AboutDialog</name>
    <message>
        <source>About Precinct Console</source>
        <translation>关于 Precinct Console</translation>
    </message>
    <message>
        <source>Precinct Console uses these libraries under their own licences. Qt and PySide6 are used under the LGPL-3.0: they are shipped as separate library files that can be replaced with a compatible build.</source>
        <translation>Precinct Console 使用以下程序库，各库遵循其自身的许可证。Qt 和 PySide6 依据 LGPL-3.0 使用：它们以独立的库文件分发，可替换为兼容的版本。</translation>
    </message>
    <message>
        <source>Filter libraries or licences…</source>
        <translation>筛选程序库或许可证…</translation>
    </message>
    <message>
        <source>Copy details</source>
        <translation>复制详细信息</translation>
    </message>
    <message>
        <source>Copy versions and licences, e.g. for a support request</source>
        <translation>复制版本和许可证信息，例如用于报修</translation>
    </message>
    <message>
        <source>Command-room console for a police station</source>
        <translation>派出所综合指挥室工作台</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>数据库</translation>
    </message>
    <message>
        <source>Library</source>
        <translation>程序库</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>许可证</translation>
    </message>
</context>
<context>
    <name>AbsenceDialog</name>
    <message>
        <source>Leave or training</source>
        <translation>请假或培训</translation>
    </message>
    <message>
        <source>Leave (休假)</source>
        <translation>休假</translation>
    </message>
    <message>
        <source>Training (培训)</source>
        <translation>培训</translation>
    </message>
    <message>
        <source>e.g. 年休假, 执法资格培训</source>
        <translation>如：年休假、执法资格培训</translation>
    </message>
    <message>
        <source>Officer</source>
        <translation>人员</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>First day</source>
        <translation>首日</translation>
    </message>
    <message>
        <source>Last day</source>
        <translation>末日</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Officer: the station has no active officers</source>
        <translation>人员：本所没有在册人员</translation>
    </message>
    <message>
        <source>Last day: before the first day</source>
        <translation>末日：早于首日</translation>
    </message>
</context>
<context>
    <name>AccountsDialog</name>
    <message>
        <source>Password: at least %1 characters</source>
        <translation>密码：至少 %1 个字符</translation>
    </message>
    <message>
        <source>Password again: the two passwords differ</source>
        <translation>再次输入密码：两次输入的密码不一致</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>账号管理</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Station</source>
        <translation>派出所</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Last sign-in</source>
        <translation>最近登录</translation>
    </message>
    <message>
        <source>&amp;Add…</source>
        <translation>新建账号(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Reset password…</source>
        <translation>重置密码(&amp;R)…</translation>
    </message>
    <message>
        <source>Change r&amp;ole…</source>
        <translation>更改角色(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;Disable</source>
        <translation>停用(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Enable</source>
        <translation>启用(&amp;E)</translation>
    </message>
    <message>
        <source>(branch-wide)</source>
        <translation>（分局）</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从未登录</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>已停用</translation>
    </message>
    <message>
        <source>Locked until %1</source>
        <translation>锁定至 %1</translation>
    </message>
    <message>
        <source>In use</source>
        <translation>在用</translation>
    </message>
    <message>
        <source>%1 is not of this station: an administrator of its own station or of the branch manages it</source>
        <translation>%1 不属于本所：由其所在派出所或分局的管理员管理</translation>
    </message>
    <message>
        <source>This is your own account: change your password with File › Change password; another administrator disables it or changes its role</source>
        <translation>这是您自己的账号：请通过“文件 › 修改密码”修改密码；停用或更改角色须由另一名管理员操作</translation>
    </message>
    <message>
        <source>Account %1 added</source>
        <translation>账号 %1 已添加</translation>
    </message>
    <message>
        <source>%1: password reset</source>
        <translation>%1：密码已重置</translation>
    </message>
    <message>
        <source>%1 is now %2</source>
        <translation>%1 的角色已改为%2</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>停用</translation>
    </message>
    <message>
        <source>Disable the account %1 (%2)? It can no longer sign in, and seats signed in with it are signed out at their next save. It can be enabled again.</source>
        <translation>停用账号 %1（%2）？停用后不能再登录，已用它登录的席位在下次保存时将被登出。之后可以重新启用。</translation>
    </message>
    <message>
        <source>Account %1 disabled</source>
        <translation>账号 %1 已停用</translation>
    </message>
    <message>
        <source>Account %1 enabled</source>
        <translation>账号 %1 已启用</translation>
    </message>
</context>
<context>
    <name>AlertTarget</name>
    <message>
        <source>task sign-for</source>
        <translation>派单签收</translation>
    </message>
    <message>
        <source>task feedback</source>
        <translation>派单反馈</translation>
    </message>
    <message>
        <source>redo feedback</source>
        <translation>退回重办反馈</translation>
    </message>
    <message>
        <source>revisit</source>
        <translation>回访</translation>
    </message>
</context>
<context>
    <name>AlertsPanel</name>
    <message>
        <source>Acknowledge (Space)</source>
        <translation>确认(空格)</translation>
    </message>
    <message>
        <source>No alert waiting</source>
        <translation>暂无待处理预警</translation>
    </message>
    <message>
        <source>%1 alert(s) to acknowledge, %2 breached</source>
        <translation>待确认预警 %1 条，其中已超时 %2 条</translation>
    </message>
</context>
<context>
    <name>AllocationPanel</name>
    <message>
        <source>Stop the exact solver after this time and keep the best plan</source>
        <translation>精确求解到达此时限后停止，保留当前最优方案</translation>
    </message>
    <message>
        <source>Propose deployment</source>
        <translation>生成布警方案</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Shift</source>
        <translation>班次</translation>
    </message>
    <message>
        <source>Time limit</source>
        <translation>时限</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>警组</translation>
    </message>
    <message>
        <source>Point</source>
        <translation>点位</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Note for the shift (optional)</source>
        <translation>给本班次的说明（可选）</translation>
    </message>
    <message>
        <source>Accept</source>
        <translation>采纳</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>否决</translation>
    </message>
    <message>
        <source>Patrol orders…</source>
        <translation>派班单…</translation>
    </message>
    <message>
        <source>Who goes where, with whom and when: print it for the briefing or save it as PDF</source>
        <translation>各警组的组员、巡逻点位和定时守点：打印用于班前会，或另存为 PDF</translation>
    </message>
    <message>
        <source>Plan</source>
        <translation>方案</translation>
    </message>
    <message>
        <source>What-if replay</source>
        <translation>推演回放</translation>
    </message>
    <message>
        <source>Forecast accuracy</source>
        <translation>预测准确度</translation>
    </message>
    <message>
        <source>Plans</source>
        <translation>方案列表</translation>
    </message>
    <message>
        <source>The coming shift</source>
        <translation>下一班次</translation>
    </message>
    <message>
        <source>A new patrol plan is waiting for your decision</source>
        <translation>有新的巡逻布警方案待您审批</translation>
    </message>
    <message numerus="yes">
        <source>The morning re-plan proposed %n patrol plan(s) for your decision</source>
        <translation>
            <numerusform>早间重排已生成 %n 个巡逻布警方案，待您审批</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>; %n of them not proven the best in the time allowed: %1 is within %2 of the best possible</source>
        <translation>
            <numerusform>；其中 %n 个在限定时间内未能证明最优：%1 与最优方案相差不超过 %2</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>; %n of them not proven the best in the time allowed: %1 has no bound proven yet</source>
        <translation>
            <numerusform>；其中 %n 个在限定时间内未能证明最优：%1 尚未求得界限</numerusform>
        </translation>
    </message>
    <message>
        <source>Solving…</source>
        <translation>正在求解…</translation>
    </message>
    <message>
        <source>gap %1</source>
        <translation>差距 %1</translation>
    </message>
    <message>
        <source>Expected incidents %1: &lt;b&gt;%2&lt;/b&gt; within 3 minutes, &lt;b&gt;%3&lt;/b&gt; backed up within 5</source>
        <translation>预计警情 %1：3分钟内可达 &lt;b&gt;%2&lt;/b&gt;，5分钟内有增援 &lt;b&gt;%3&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Reach from the planned points with every unit free there; calls a unit is out on and the time to set off are not counted. Replay a past period for the response the plan would have given.</source>
        <translation>按各警组在部署点位空闲待命计算的可达范围；未计入出警占用和出发准备时间。实际可达到的响应请用“历史回放”检验。</translation>
    </message>
    <message>
        <source>Solver: %1 in %2 s; %3 cells merged into %4 rows</source>
        <translation>求解：%1，用时 %2 秒；%3 个单元合并为 %4 行</translation>
    </message>
    <message>
        <source>Key sites in their ring: %1/%2</source>
        <translation>重点部位在圈内：%1/%2</translation>
    </message>
    <message>
        <source>Zones holding a unit: %1/%2</source>
        <translation>有警组驻守的巡区：%1/%2</translation>
    </message>
    <message>
        <source>Note: %1</source>
        <translation>说明：%1</translation>
    </message>
    <message>
        <source>Plan %1 was superseded by a newer plan for the same shift while you were editing it; your edits were not applied</source>
        <translation>方案 %1 在您调整时已被同一班次的更新方案替代；您的调整未生效</translation>
    </message>
    <message>
        <source>Plan %1 was %2 by %3 at %4 while you were editing it; your edits were not applied</source>
        <translation>方案 %1 在您调整时由 %3 于 %4 %2；您的调整未生效</translation>
    </message>
    <message>
        <source>Timed duties (定时守点): %1</source>
        <translation>定时守点：%1</translation>
    </message>
    <message>
        <source>%1 %2 → %3, %4 min away</source>
        <translation>%1 %2 → %3（%4 分钟可到）</translation>
    </message>
    <message>
        <source>due elsewhere at that time too</source>
        <translation>同一时段另有守点任务</translation>
    </message>
    <message>
        <source>Decided by %1 %2</source>
        <translation>由 %1 于 %2 决定</translation>
    </message>
    <message>
        <source>edited by the chief; figures rescored</source>
        <translation>已由所长调整，指标已重新计算</translation>
    </message>
    <message numerus="yes">
        <source>Accept with %n edit(s)</source>
        <translation>
            <numerusform>采纳（含 %n 处调整）</numerusform>
        </translation>
    </message>
    <message>
        <source>With your edits: &lt;b&gt;%1&lt;/b&gt; within 3 minutes (proposed %2), &lt;b&gt;%3&lt;/b&gt; backed up within 5 (proposed %4)</source>
        <translation>按您的调整：3分钟内可达 &lt;b&gt;%1&lt;/b&gt;（原方案 %2），5分钟内有增援 &lt;b&gt;%3&lt;/b&gt;（原方案 %4）</translation>
    </message>
    <message>
        <source>key sites in their ring %1/%2</source>
        <translation>重点部位在圈内 %1/%2</translation>
    </message>
    <message>
        <source>zones holding a unit %1/%2</source>
        <translation>有警组驻守的巡区 %1/%2</translation>
    </message>
    <message>
        <source>No longer met: %1</source>
        <translation>不再满足：%1</translation>
    </message>
    <message>
        <source>Plan %1 accepted: it is the shift's patrol orders now</source>
        <translation>方案 %1 已采纳，现为本班次巡逻勤务指令</translation>
    </message>
</context>
<context>
    <name>AssignDialog</name>
    <message>
        <source>Assign %1</source>
        <translation>排班：%1</translation>
    </message>
    <message>
        <source>Change %1's shift</source>
        <translation>调整 %1 的班次安排</translation>
    </message>
    <message>
        <source>(no unit)</source>
        <translation>（无警组）</translation>
    </message>
    <message>
        <source>%1 (standby car)</source>
        <translation>%1（备勤车）</translation>
    </message>
    <message>
        <source>(no post)</source>
        <translation>（不指定岗位）</translation>
    </message>
    <message>
        <source>Shift</source>
        <translation>班次</translation>
    </message>
    <message>
        <source>Duty</source>
        <translation>勤务</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>警组</translation>
    </message>
    <message>
        <source>Post</source>
        <translation>岗位</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
</context>
<context>
    <name>BoardActions</name>
    <message>
        <source>signed</source>
        <translation>签收</translation>
    </message>
    <message>
        <source>set off</source>
        <translation>出警</translation>
    </message>
    <message>
        <source>arrived</source>
        <translation>到场</translation>
    </message>
    <message>
        <source>handled</source>
        <translation>处置完毕</translation>
    </message>
    <message>
        <source>fed back</source>
        <translation>反馈</translation>
    </message>
    <message>
        <source>close</source>
        <translation>归档</translation>
    </message>
    <message>
        <source>dispatch</source>
        <translation>派警</translation>
    </message>
    <message>
        <source>reinforcement</source>
        <translation>增援</translation>
    </message>
    <message>
        <source>correct</source>
        <translation>更正</translation>
    </message>
    <message>
        <source>note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>reopen</source>
        <translation>重新打开</translation>
    </message>
    <message>
        <source>acknowledge alerts</source>
        <translation>确认告警</translation>
    </message>
    <message>
        <source>filter</source>
        <translation>筛选</translation>
    </message>
    <message>
        <source>new incident</source>
        <translation>接警</translation>
    </message>
    <message>
        <source>search all</source>
        <translation>查询全部警情</translation>
    </message>
    <message>
        <source>handover</source>
        <translation>交接班</translation>
    </message>
    <message>
        <source>Keys: %1</source>
        <translation>按键：%1</translation>
    </message>
</context>
<context>
    <name>BoardPanel</name>
    <message>
        <source>All open</source>
        <translation>全部在办</translation>
    </message>
    <message>
        <source>Waiting for dispatch (待派)</source>
        <translation>待派警</translation>
    </message>
    <message>
        <source>Dispatched, not on scene</source>
        <translation>已派警，未到场</translation>
    </message>
    <message>
        <source>On scene (到场)</source>
        <translation>已到场</translation>
    </message>
    <message>
        <source>Handled, feedback due</source>
        <translation>已处置，待反馈</translation>
    </message>
    <message>
        <source>Filter: number, address, caller, phone, content… (Ctrl+F)</source>
        <translation>筛选：编号、地址、报警人、电话、内容…(Ctrl+F)</translation>
    </message>
    <message>
        <source>All categories</source>
        <translation>全部类别</translation>
    </message>
    <message>
        <source>All districts</source>
        <translation>全部警务区</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>警组</translation>
    </message>
    <message>
        <source>Repeats</source>
        <translation>重复警情</translation>
    </message>
    <message>
        <source>Saved views</source>
        <translation>已存视图</translation>
    </message>
    <message>
        <source>Save view…</source>
        <translation>保存视图…</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>%1 shown of %2 open</source>
        <translation>显示 %1 起 / 在办 %2 起</translation>
    </message>
    <message>
        <source>%1 waiting for dispatch</source>
        <translation>%1 起待派警</translation>
    </message>
    <message>
        <source>%1 breached</source>
        <translation>%1 起超时</translation>
    </message>
    <message>
        <source>%1 near</source>
        <translation>%1 起临近超时</translation>
    </message>
    <message>
        <source>(no saved view)</source>
        <translation>（无已存视图）</translation>
    </message>
    <message>
        <source>Save view</source>
        <translation>保存视图</translation>
    </message>
    <message>
        <source>Name of this view</source>
        <translation>视图名称</translation>
    </message>
    <message>
        <source>View '%1' saved</source>
        <translation>视图“%1”已保存</translation>
    </message>
    <message>
        <source>Which unit?</source>
        <translation>哪个警组？</translation>
    </message>
    <message>
        <source>Reopen %1</source>
        <translation>重新打开 %1</translation>
    </message>
    <message>
        <source>Why is it reopened?</source>
        <translation>重新打开的原因？</translation>
    </message>
    <message>
        <source>Note on %1</source>
        <translation>%1 的备注</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
</context>
<context>
    <name>BulletinPanel</name>
    <message>
        <source>Previous week</source>
        <translation>上一周</translation>
    </message>
    <message>
        <source>Next week</source>
        <translation>下一周</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Save as PDF…</source>
        <translation>另存为 PDF…</translation>
    </message>
    <message>
        <source>Save as HTML…</source>
        <translation>另存为 HTML…</translation>
    </message>
    <message>
        <source>Week</source>
        <translation>周次</translation>
    </message>
    <message>
        <source>Could not save the bulletin to %1: %2</source>
        <translation>无法将通报保存到 %1：%2</translation>
    </message>
    <message>
        <source>Saved the bulletin to %1</source>
        <translation>通报已保存到 %1</translation>
    </message>
    <message>
        <source>Could not save the bulletin to %1</source>
        <translation>无法将通报保存到 %1</translation>
    </message>
    <message>
        <source>Save bulletin</source>
        <translation>保存通报</translation>
    </message>
    <message>
        <source>PDF (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Web page (*.html)</source>
        <translation>网页 (*.html)</translation>
    </message>
</context>
<context>
    <name>CatalogueDialog</name>
    <message>
        <source>Key</source>
        <translation>字段标识</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Required</source>
        <translation>必填</translation>
    </message>
    <message>
        <source>Choices (a / b / c)</source>
        <translation>选项（甲 / 乙 / 丙）</translation>
    </message>
    <message>
        <source>Minimum</source>
        <translation>最小值</translation>
    </message>
    <message>
        <source>Task catalogue</source>
        <translation>标准任务目录</translation>
    </message>
    <message>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <source>{h} h</source>
        <translation>{h} 小时</translation>
    </message>
    <message>
        <source>In use</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Add field</source>
        <translation>添加字段</translation>
    </message>
    <message>
        <source>Remove field</source>
        <translation>删除字段</translation>
    </message>
    <message>
        <source>New task type</source>
        <translation>新建任务类型</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Section</source>
        <translation>分类</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Sign within</source>
        <translation>签收时限</translation>
    </message>
    <message>
        <source>Feed back within</source>
        <translation>反馈时限</translation>
    </message>
    <message>
        <source>Fields the officer fills in on feedback</source>
        <translation>民警反馈时填写的字段</translation>
    </message>
    <message>
        <source>field '{key}': the minimum must be a whole number</source>
        <translation>字段“{key}”：最小值必须是整数</translation>
    </message>
    <message>
        <source>Catalogue task {code} saved</source>
        <translation>目录任务 {code} 已保存</translation>
    </message>
</context>
<context>
    <name>ChartBox</name>
    <message>
        <source>PNG…</source>
        <translation>PNG…</translation>
    </message>
    <message>
        <source>Save this chart as a PNG image</source>
        <translation>将此图表保存为 PNG 图片</translation>
    </message>
    <message>
        <source>Save chart</source>
        <translation>保存图表</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG 图片 (*.png)</translation>
    </message>
</context>
<context>
    <name>CorrectionDialog</name>
    <message>
        <source>Correct an entry of %1</source>
        <translation>更正 %1 的记录</translation>
    </message>
    <message>
        <source>The step did not happen (void it)</source>
        <translation>该环节并未发生（作废）</translation>
    </message>
    <message>
        <source>Required: why the entry was wrong</source>
        <translation>必填：记录有误的原因</translation>
    </message>
    <message>
        <source>Entry</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>Correct time (China time)</source>
        <translation>正确时间（北京时间）</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
</context>
<context>
    <name>CoverLine</name>
    <message>
        <source>%1 is not moved up: its order is its plan point</source>
        <translation>%1 未补位：指令即方案点位</translation>
    </message>
    <message>
        <source>Your role may not give move-up orders</source>
        <translation>您的角色不能下达补位指令</translation>
    </message>
    <message>
        <source>The plan in force lists no points to move %1 to</source>
        <translation>生效方案中没有可供 %1 补位的点位</translation>
    </message>
    <message>
        <source>%1 cannot be moved up now (%2), and is ordered to its own point</source>
        <translation>%1 当前不能补位（%2），且已在方案点位</translation>
    </message>
    <message>
        <source>%1 sent back to its point %2</source>
        <translation>%1 已归位：%2</translation>
    </message>
    <message>
        <source>Move-up ordered: %1 → %2</source>
        <translation>已下达补位：%1 → %2</translation>
    </message>
    <message>
        <source>3-min cover of the plan's expected calls: %1 now (as planned %2)</source>
        <translation>方案预计警情3分钟覆盖：现 %1（按方案 %2）</translation>
    </message>
    <message>
        <source> · not at their points: %1</source>
        <translation> · 不在点位：%1</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>order it</source>
        <translation>下达</translation>
    </message>
    <message>
        <source>; </source>
        <translation>；</translation>
    </message>
    <message>
        <source>%1 back to %2 (%3 min)</source>
        <translation>%1 回 %2（约%3分钟）</translation>
    </message>
    <message>
        <source>%1 → %2 (%3 min, as ordered)</source>
        <translation>%1 → %2（约%3分钟，已下达）</translation>
    </message>
    <message>
        <source>%1 → %2 (%3 min)</source>
        <translation>%1 → %2（约%3分钟）</translation>
    </message>
    <message>
        <source> · move up: %1, cover back to %2</source>
        <translation> · 建议补位：%1，覆盖回升至 %2</translation>
    </message>
</context>
<context>
    <name>DailyWindowField</name>
    <message>
        <source>All day</source>
        <translation>全天</translation>
    </message>
</context>
<context>
    <name>DetailPane</name>
    <message>
        <source>Select an incident</source>
        <translation>请选择一起警情</translation>
    </message>
    <message>
        <source>Recommended units</source>
        <translation>推荐警力</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>警组</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>ETA</source>
        <translation>预计到达</translation>
    </message>
    <message>
        <source>Distance</source>
        <translation>距离</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>推荐理由</translation>
    </message>
    <message>
        <source>Dispatch top suggestion (D)</source>
        <translation>按首选建议派警(D)</translation>
    </message>
    <message>
        <source>History</source>
        <translation>处置记录</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>环节</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>Workstation</source>
        <translation>席位</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>no grid</source>
        <translation>无网格</translation>
    </message>
    <message>
        <source>Caller</source>
        <translation>报警人</translation>
    </message>
    <message>
        <source>priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>Content</source>
        <translation>警情内容</translation>
    </message>
    <message>
        <source>Units</source>
        <translation>出警警力</translation>
    </message>
    <message numerus="yes">
        <source>%n duplicate call(s) linked</source>
        <translation>
            <numerusform>已关联 %n 次重复报警</numerusform>
        </translation>
    </message>
    <message>
        <source>Repeat</source>
        <translation>重复警情</translation>
    </message>
    <message>
        <source>Linked to</source>
        <translation>关联至</translation>
    </message>
    <message>
        <source>cleared: %1</source>
        <translation>已收队：%1</translation>
    </message>
    <message>
        <source>voids %1</source>
        <translation>作废 %1</translation>
    </message>
    <message>
        <source>%1 corrected to %2</source>
        <translation>%1 更正为 %2</translation>
    </message>
    <message>
        <source>corrected below</source>
        <translation>已在下方更正</translation>
    </message>
    <message>
        <source>Units for reinforcement</source>
        <translation>增援警力</translation>
    </message>
    <message>
        <source>Send top suggestion as reinforcement (D)</source>
        <translation>按首选建议派出增援(D)</translation>
    </message>
    <message>
        <source>Recommended units — %1 left of the on-scene target</source>
        <translation>推荐警力 —— 距到场时限还剩 %1</translation>
    </message>
</context>
<context>
    <name>DisputePanel</name>
    <message>
        <source>Progress</source>
        <translation>进展</translation>
    </message>
    <message>
        <source>Mediation</source>
        <translation>调解</translation>
    </message>
    <message>
        <source>Revisit</source>
        <translation>回访</translation>
    </message>
    <message>
        <source>Feedback</source>
        <translation>反馈</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>化解</translation>
    </message>
    <message>
        <source>Reopened</source>
        <translation>重新打开</translation>
    </message>
    <message>
        <source>&amp;Register…</source>
        <translation>登记(&amp;R)…</translation>
    </message>
    <message>
        <source>From &amp;incident…</source>
        <translation>从警情登记(&amp;I)…</translation>
    </message>
    <message>
        <source>Filter: number, title, party, grid, officer…</source>
        <translation>筛选：编号、标题、当事人、网格、民警…</translation>
    </message>
    <message>
        <source>Every grade</source>
        <translation>全部等级</translation>
    </message>
    <message>
        <source>Include resolved</source>
        <translation>包括已化解</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>编辑(&amp;E)…</translation>
    </message>
    <message>
        <source>Add &amp;note…</source>
        <translation>添加进展(&amp;N)…</translation>
    </message>
    <message>
        <source>Re&amp;visit done…</source>
        <translation>已回访(&amp;V)…</translation>
    </message>
    <message>
        <source>&amp;Grade…</source>
        <translation>定级(&amp;G)…</translation>
    </message>
    <message>
        <source>&amp;Link incident…</source>
        <translation>关联警情(&amp;L)…</translation>
    </message>
    <message>
        <source>The parties called again: add that incident to this dispute</source>
        <translation>当事人再次报警：把该警情关联到本纠纷</translation>
    </message>
    <message>
        <source>Send revisit &amp;task</source>
        <translation>派发回访任务(&amp;T)</translation>
    </message>
    <message>
        <source>Re&amp;solve…</source>
        <translation>化解(&amp;S)…</translation>
    </message>
    <message>
        <source>Re&amp;open…</source>
        <translation>重新打开(&amp;O)…</translation>
    </message>
    <message>
        <source>{open} open · A {a} · B {b} · {sym_b} {overdue} revisits overdue · {sym_n} {today} due today</source>
        <translation>在办 {open} · A级 {a} · B级 {b} · {sym_b} 回访逾期 {overdue} · {sym_n} 今日到期 {today}</translation>
    </message>
    <message>
        <source>Select a dispute to see it here.</source>
        <translation>选择一起纠纷，在此查看详情。</translation>
    </message>
    <message>
        <source>Dispute {number} registered</source>
        <translation>纠纷 {number} 已登记</translation>
    </message>
    <message>
        <source>Dispute {number} updated</source>
        <translation>纠纷 {number} 已更新</translation>
    </message>
    <message>
        <source>Register from an incident</source>
        <translation>从警情登记纠纷</translation>
    </message>
    <message>
        <source>Incident number (the incident selected on the board is used when empty):</source>
        <translation>警情编号（留空则使用看板上选中的警情）：</translation>
    </message>
    <message>
        <source>Select an incident on the board or type its number</source>
        <translation>请在看板上选择一起警情，或输入警情编号</translation>
    </message>
    <message>
        <source>Link an incident</source>
        <translation>关联警情</translation>
    </message>
    <message>
        <source>Incident linked to {number}</source>
        <translation>警情已关联到 {number}</translation>
    </message>
    <message>
        <source>Revisit done</source>
        <translation>已回访</translation>
    </message>
    <message>
        <source>Progress note</source>
        <translation>进展记录</translation>
    </message>
    <message>
        <source>What happened?</source>
        <translation>情况如何？</translation>
    </message>
    <message>
        <source>Note added to {number}</source>
        <translation>已为 {number} 添加记录</translation>
    </message>
    <message>
        <source>Grade</source>
        <translation>等级</translation>
    </message>
    <message>
        <source>Grade of this dispute</source>
        <translation>本纠纷的等级</translation>
    </message>
    <message>
        <source>Dispute {number} regraded</source>
        <translation>纠纷 {number} 已重新定级</translation>
    </message>
    <message>
        <source>Task {number} sent</source>
        <translation>任务 {number} 已派发</translation>
    </message>
    <message>
        <source>Resolve</source>
        <translation>化解</translation>
    </message>
    <message>
        <source>How was it resolved?</source>
        <translation>如何化解的？</translation>
    </message>
    <message>
        <source>Dispute {number} resolved</source>
        <translation>纠纷 {number} 已化解</translation>
    </message>
    <message>
        <source>Reopen</source>
        <translation>重新打开</translation>
    </message>
    <message>
        <source>Why is it reopened?</source>
        <translation>重新打开的原因？</translation>
    </message>
    <message>
        <source>Dispute {number} reopened</source>
        <translation>纠纷 {number} 已重新打开</translation>
    </message>
</context>
<context>
    <name>DisputeTableModel</name>
    <message>
        <source>Revisit</source>
        <translation>回访</translation>
    </message>
    <message>
        <source>Grade</source>
        <translation>等级</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Parties</source>
        <translation>当事人</translation>
    </message>
    <message>
        <source>Risk</source>
        <translation>风险</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Officer</source>
        <translation>责任民警</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>未化解</translation>
    </message>
    <message>
        <source>Mediating</source>
        <translation>调解中</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>已化解</translation>
    </message>
    <message>
        <source>may lead to a mass incident, injury or death</source>
        <translation>可能引发群体性事件或造成人员伤亡</translation>
    </message>
    <message>
        <source>escalating, several parties or repeated calls</source>
        <translation>有激化趋势，涉及多方或多次报警</translation>
    </message>
    <message>
        <source>ordinary dispute, parties talking</source>
        <translation>一般纠纷，双方可以沟通</translation>
    </message>
    <message>
        <source>minor, resolved on the spot or nearly</source>
        <translation>轻微纠纷，当场或基本化解</translation>
    </message>
    <message>
        <source>{s} overdue {n} d</source>
        <translation>{s} 逾期 {n} 天</translation>
    </message>
    <message>
        <source>{s} today</source>
        <translation>{s} 今日</translation>
    </message>
    <message>
        <source>{s} in {n} d ({date})</source>
        <translation>{s} {n} 天后（{date}）</translation>
    </message>
</context>
<context>
    <name>DisputeWords</name>
    <message>
        <source>major</source>
        <translation>重大</translation>
    </message>
    <message>
        <source>serious</source>
        <translation>较大</translation>
    </message>
    <message>
        <source>ordinary</source>
        <translation>一般</translation>
    </message>
    <message>
        <source>minor</source>
        <translation>轻微</translation>
    </message>
    <message>
        <source>high</source>
        <translation>高</translation>
    </message>
    <message>
        <source>medium</source>
        <translation>中</translation>
    </message>
    <message>
        <source>low</source>
        <translation>低</translation>
    </message>
</context>
<context>
    <name>ErrorNotifier</name>
    <message>
        <source>Unexpected error</source>
        <translation>意外错误</translation>
    </message>
    <message>
        <source>Something went wrong. Your saved work is safe; the details are in the log. You can keep working.</source>
        <translation>程序出现错误。已保存的内容不受影响，详细信息已记入日志，您可以继续工作。</translation>
    </message>
</context>
<context>
    <name>FeedbackDialog</name>
    <message>
        <source>Feed back: {title}</source>
        <translation>反馈：{title}</translation>
    </message>
    <message>
        <source>Anything else the command room should know</source>
        <translation>需要指挥室了解的其他情况</translation>
    </message>
    <message>
        <source>Remarks</source>
        <translation>备注</translation>
    </message>
</context>
<context>
    <name>FirstStartDialog</name>
    <message>
        <source>Precinct Console — first start</source>
        <translation>Precinct Console —— 首次启动</translation>
    </message>
    <message>
        <source>This database is empty. Open the demo precinct to look around, or set up your station with its first administrator.</source>
        <translation>数据库为空。可以打开演示派出所先熟悉功能，或建立本所并设置第一个管理员。</translation>
    </message>
    <message>
        <source>Open the demo precinct (90 days of sample incidents)</source>
        <translation>打开演示派出所（含90天示例警情）</translation>
    </message>
    <message>
        <source>Set up a new station</source>
        <translation>建立新派出所</translation>
    </message>
    <message>
        <source>Station code</source>
        <translation>派出所代码</translation>
    </message>
    <message>
        <source>Station name</source>
        <translation>派出所名称</translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Password again</source>
        <translation>再次输入密码</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
    <message>
        <source>Building the demo precinct…</source>
        <translation>正在生成演示派出所…</translation>
    </message>
</context>
<context>
    <name>ForecastAccuracy</name>
    <message>
        <source> weeks held back</source>
        <translation> 周留作检验</translation>
    </message>
    <message>
        <source>% of the area flagged</source>
        <translation>% 面积标为热点</translation>
    </message>
    <message>
        <source>Check the forecast</source>
        <translation>检验预测</translation>
    </message>
    <message>
        <source>Each week is forecast from the weeks before it only, then compared with where its incidents really were. Hit rate: the share of them inside the flagged cells; PAI: the hit rate over the share of the area flagged (1 is no better than chance).</source>
        <translation>每一周只用此前的数据预测，再与该周警情实际发生的位置比对。命中率：落在标为热点的微网格内的警情占比；PAI（预测准确指数）：命中率除以标为热点的面积占比（1 即与随机无异）。</translation>
    </message>
    <message>
        <source>Week of</source>
        <translation>周（起）</translation>
    </message>
    <message>
        <source>Incidents</source>
        <translation>警情数</translation>
    </message>
    <message>
        <source>Forecast hit rate</source>
        <translation>预测命中率</translation>
    </message>
    <message>
        <source>Forecast PAI</source>
        <translation>预测 PAI</translation>
    </message>
    <message>
        <source>Last-28-days hit rate</source>
        <translation>近28天计数命中率</translation>
    </message>
    <message>
        <source>Last-28-days PAI</source>
        <translation>近28天计数 PAI</translation>
    </message>
    <message>
        <source>hit rate %</source>
        <translation>命中率 %</translation>
    </message>
    <message>
        <source>Forecasting each held-back week…</source>
        <translation>正在逐周预测检验…</translation>
    </message>
    <message>
        <source>No incidents in the weeks held back: nothing to score yet.</source>
        <translation>检验周内没有警情，暂无可评估的数据。</translation>
    </message>
    <message>
        <source>Over %1 incidents in %2 week(s), the %3% of the area the forecast flags held %4% of them (PAI %5); the plain count of the last %6 days flagged cells holding %7% (PAI %8).</source>
        <translation>%2 周共 %1 起警情：预测标出的 %3% 面积内发生了其中的 %4%（PAI %5）；按近 %6 天简单计数标出的微网格内为 %7%（PAI %8）。</translation>
    </message>
    <message>
        <source>forecast</source>
        <translation>预测</translation>
    </message>
    <message>
        <source>last %1 days</source>
        <translation>近 %1 天计数</translation>
    </message>
</context>
<context>
    <name>GridCardView</name>
    <message>
        <source>Notice board PDF…</source>
        <translation>公示牌 PDF…</translation>
    </message>
    <message>
        <source>Print the grid's public notice board (公示牌) on A4</source>
        <translation>用 A4 纸打印本网格公示牌</translation>
    </message>
    <message>
        <source>Edit people…</source>
        <translation>编辑人员…</translation>
    </message>
    <message>
        <source>Change who is named on the notice board</source>
        <translation>修改公示牌上的人员</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>of %1</source>
        <translation>属 %1</translation>
    </message>
    <message>
        <source>Save the notice board</source>
        <translation>保存公示牌</translation>
    </message>
    <message>
        <source>PDF (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Notice board saved to %1</source>
        <translation>公示牌已保存到 %1</translation>
    </message>
</context>
<context>
    <name>HandoverDialog</name>
    <message>
        <source>Shift handover (交接班)</source>
        <translation>交接班</translation>
    </message>
    <message>
        <source>The shift running now, and the one just handed over while its report may still be finished</source>
        <translation>当前班次，以及刚交班、交班报告仍可补写的上一班</translation>
    </message>
    <message>
        <source>Compile report (F5)</source>
        <translation>生成交接班报告(F5)</translation>
    </message>
    <message>
        <source>from</source>
        <translation>自</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>Notes for the incoming shift (stored with the report)</source>
        <translation>给接班人员的交代事项（随报告保存）</translation>
    </message>
    <message>
        <source>Sign as outgoing officer</source>
        <translation>交班民警签字</translation>
    </message>
    <message>
        <source>Incoming officer signs…</source>
        <translation>接班民警签字…</translation>
    </message>
    <message>
        <source>Print preview…</source>
        <translation>打印预览…</translation>
    </message>
    <message>
        <source>Save PDF…</source>
        <translation>保存 PDF…</translation>
    </message>
    <message>
        <source>Just handed over, %1 (write-up)</source>
        <translation>刚交班：%1（补写报告）</translation>
    </message>
    <message>
        <source>This shift, %1</source>
        <translation>本班：%1</translation>
    </message>
    <message>
        <source>Compile the report to review it</source>
        <translation>生成报告后进行审阅</translation>
    </message>
    <message>
        <source>Signed by both officers</source>
        <translation>交接双方均已签字</translation>
    </message>
    <message>
        <source>Waiting for the incoming officer</source>
        <translation>等待接班民警签字</translation>
    </message>
    <message>
        <source>Not signed yet</source>
        <translation>尚未签字</translation>
    </message>
    <message>
        <source>Could not save the handover report to %1: %2</source>
        <translation>无法将交接班报告保存到 %1：%2</translation>
    </message>
    <message>
        <source>Save PDF</source>
        <translation>保存 PDF</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <source>Search incidents</source>
        <translation>查询警情</translation>
    </message>
    <message>
        <source>Words to find; Enter searches open and closed incidents</source>
        <translation>输入关键词，按 Enter 查询在办和已归档警情</translation>
    </message>
    <message>
        <source>Reopen with reason… (Ctrl+R)</source>
        <translation>说明原因后重新打开…(Ctrl+R)</translation>
    </message>
    <message>
        <source>searching…</source>
        <translation>正在查询…</translation>
    </message>
    <message>
        <source>%1 found</source>
        <translation>找到 %1 起</translation>
    </message>
    <message>
        <source>Reopen %1</source>
        <translation>重新打开 %1</translation>
    </message>
    <message>
        <source>Why is it reopened?</source>
        <translation>重新打开的原因？</translation>
    </message>
</context>
<context>
    <name>HotspotControls</name>
    <message>
        <source>Last 7 days</source>
        <translation>近7天</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>近30天</translation>
    </message>
    <message>
        <source>Last 90 days</source>
        <translation>近90天</translation>
    </message>
    <message>
        <source>Last 365 days</source>
        <translation>近365天</translation>
    </message>
    <message>
        <source>All day</source>
        <translation>全天</translation>
    </message>
    <message>
        <source>Day 08–20</source>
        <translation>白天 08–20</translation>
    </message>
    <message>
        <source>Night 20–08</source>
        <translation>夜间 20–08</translation>
    </message>
    <message>
        <source>Late night 22–06</source>
        <translation>深夜 22–06</translation>
    </message>
    <message>
        <source>Hot spots</source>
        <translation>警情热点</translation>
    </message>
    <message>
        <source>Density</source>
        <translation>密度</translation>
    </message>
    <message>
        <source>Counts by grid</source>
        <translation>按网格计数</translation>
    </message>
    <message>
        <source>All categories</source>
        <translation>全部类别</translation>
    </message>
    <message>
        <source>Incidents per km² (kernel %1 m)</source>
        <translation>每平方公里警情数（核半径 %1 米）</translation>
    </message>
    <message>
        <source>Incidents per grid</source>
        <translation>各网格警情数</translation>
    </message>
    <message>
        <source>Repeat place (count)</source>
        <translation>一地多警（次数）</translation>
    </message>
</context>
<context>
    <name>IncomingSignIn</name>
    <message>
        <source>Incoming officer signs</source>
        <translation>接班民警签字</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
</context>
<context>
    <name>IntakeDialog</name>
    <message>
        <source>Take in an incident (接警)</source>
        <translation>接警登记</translation>
    </message>
    <message>
        <source>家庭, jtjf, 0601 or 纠纷/家庭 - arrows choose, Tab or Enter takes it</source>
        <translation>家庭、jtjf、0601 或 纠纷/家庭 —— 方向键选择，Tab 或 Enter 确定</translation>
    </message>
    <message>
        <source>1 urgent (急)</source>
        <translation>1 紧急（急）</translation>
    </message>
    <message>
        <source>2 normal (一般)</source>
        <translation>2 一般</translation>
    </message>
    <message>
        <source>3 routine (缓)</source>
        <translation>3 非紧急（缓）</translation>
    </message>
    <message>
        <source>Needs reinforcement</source>
        <translation>需要增援</translation>
    </message>
    <message>
        <source>Street and number; past addresses complete</source>
        <translation>街道门牌号；可自动补全历史地址</translation>
    </message>
    <message>
        <source>lon, lat (from a past address or the map)</source>
        <translation>经度, 纬度（来自历史地址或地图）</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>&amp;Channel</source>
        <translation>报警方式(&amp;C)</translation>
    </message>
    <message>
        <source>Ca&amp;tegory</source>
        <translation>警情类别(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Address</source>
        <translation>地址(&amp;A)</translation>
    </message>
    <message>
        <source>Locat&amp;ion</source>
        <translation>坐标(&amp;I)</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Ca&amp;ller</source>
        <translation>报警人(&amp;L)</translation>
    </message>
    <message>
        <source>C&amp;ontent</source>
        <translation>报警内容(&amp;O)</translation>
    </message>
    <message>
        <source>Repeat</source>
        <translation>重复警情</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>接警时间</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>警情类别</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>&amp;Link call to selected incident (Ctrl+L)</source>
        <translation>关联到所选警情(&amp;L)(Ctrl+L)</translation>
    </message>
    <message>
        <source>Take in (Ctrl+Enter)</source>
        <translation>接警(Ctrl+Enter)</translation>
    </message>
    <message>
        <source>A mobile number has 11 digits; this one has %1. Check it with the caller.</source>
        <translation>手机号应为 11 位，这里是 %1 位，请与报警人核对。</translation>
    </message>
    <message>
        <source>grid as before</source>
        <translation>网格同前</translation>
    </message>
    <message>
        <source>grid picked on the map</source>
        <translation>地图选定的网格</translation>
    </message>
    <message>
        <source>grid %1 from the map</source>
        <translation>地图选定网格 %1</translation>
    </message>
    <message>
        <source>write longitude, latitude, e.g. 116.4012, 39.9034</source>
        <translation>请填写经度, 纬度，例如 116.4012, 39.9034</translation>
    </message>
    <message>
        <source>choose a category (type its name, pinyin initials or code)</source>
        <translation>请选择警情类别（可输入名称、拼音首字母或代码）</translation>
    </message>
    <message numerus="yes">
        <source>%n earlier incident(s); link this call if it is the same matter</source>
        <translation>
            <numerusform>此前已有 %n 起警情；如为同一事项，请关联本次报警</numerusform>
        </translation>
    </message>
    <message>
        <source>Select an open incident in the repeat list to link to.</source>
        <translation>请在重复警情列表中选择一起在办警情进行关联。</translation>
    </message>
    <message>
        <source>Incident %1 taken in</source>
        <translation>警情 %1 已接警</translation>
    </message>
    <message>
        <source>Call linked to incident %1</source>
        <translation>报警已关联到警情 %1</translation>
    </message>
</context>
<context>
    <name>LedgerExportPanel</name>
    <message>
        <source>Incident ledger</source>
        <translation>警情台账</translation>
    </message>
    <message>
        <source>Dispute ledger</source>
        <translation>矛盾纠纷排查化解台账</translation>
    </message>
    <message>
        <source>Follow-up task ledger</source>
        <translation>派单指令台账</translation>
    </message>
    <message>
        <source>Patrol ledger</source>
        <translation>巡逻台账</translation>
    </message>
    <message>
        <source>Duty roster ledger</source>
        <translation>勤务台账</translation>
    </message>
    <message>
        <source>Roster to post (a week or a month)</source>
        <translation>排班表</translation>
    </message>
    <message>
        <source>1-3-5 response compliance</source>
        <translation>1-3-5快速反应达标台账</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>日</translation>
    </message>
    <message>
        <source>Week (Monday to Sunday)</source>
        <translation>周（周一至周日）</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>月</translation>
    </message>
    <message>
        <source>Custom range</source>
        <translation>自定义时段</translation>
    </message>
    <message>
        <source>Write phone and ID numbers in full (recorded in the audit log)</source>
        <translation>完整导出电话和身份证号（记入审计日志）</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>Ledger</source>
        <translation>台账</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>统计周期</translation>
    </message>
    <message>
        <source>Dates</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Station</source>
        <translation>派出所</translation>
    </message>
    <message>
        <source>Police district</source>
        <translation>警务区</translation>
    </message>
    <message>
        <source>Personal data</source>
        <translation>个人信息</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Phone and ID numbers are masked (138****5678) unless you choose otherwise.</source>
        <translation>除非另行选择，电话和身份证号均做脱敏处理（138****5678）。</translation>
    </message>
    <message>
        <source>Export a ledger</source>
        <translation>导出台账</translation>
    </message>
    <message>
        <source>Open export folder</source>
        <translation>打开导出文件夹</translation>
    </message>
    <message>
        <source>Exported files</source>
        <translation>已导出文件</translation>
    </message>
    <message>
        <source>Scheduled exports</source>
        <translation>定时导出</translation>
    </message>
    <message>
        <source>Daily incident ledger at 08:00, the weekly set on Mondays at 08:30 and the monthly set on the 1st at 09:00 are written to the export folder by one workstation of the database.</source>
        <translation>每日 08:00 导出警情台账，每周一 08:30 导出周台账，每月1日 09:00 导出月台账，由连接该数据库的一台工作站写入导出文件夹。</translation>
    </message>
    <message>
        <source>Change time…</source>
        <translation>修改时间…</translation>
    </message>
    <message>
        <source>Pause / resume</source>
        <translation>暂停/恢复</translation>
    </message>
    <message>
        <source>Run now</source>
        <translation>立即执行</translation>
    </message>
    <message>
        <source>Your role does not export ledgers; ask the clerk or the station chief.</source>
        <translation>您的角色无权导出台账，请联系内勤或所长。</translation>
    </message>
    <message>
        <source>All stations</source>
        <translation>全部派出所</translation>
    </message>
    <message>
        <source>All districts</source>
        <translation>全部警务区</translation>
    </message>
    <message>
        <source>Shifts and patrols are not kept by police district: this ledger covers the whole station.</source>
        <translation>勤务和巡逻不按警务区记录：本台账按全所统计。</translation>
    </message>
    <message>
        <source>Export ledger to</source>
        <translation>台账导出到</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Checking the folder %1…</source>
        <translation>正在检查文件夹 %1…</translation>
    </message>
    <message>
        <source>Not exported: %1 is already there.</source>
        <translation>未导出：%1 已存在。</translation>
    </message>
    <message>
        <source>%1 is no longer there.</source>
        <translation>%1 已不存在。</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <source>File exists</source>
        <translation>文件已存在</translation>
    </message>
    <message>
        <source>%1 already exists. Replace it?</source>
        <translation>%1 已存在。是否替换？</translation>
    </message>
    <message>
        <source>Replace</source>
        <translation>替换</translation>
    </message>
    <message>
        <source>Keep both</source>
        <translation>保留两者</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>%1 of %2 rows</source>
        <translation>第 %1 / %2 行</translation>
    </message>
    <message>
        <source>%1 rows</source>
        <translation>%1 行</translation>
    </message>
    <message>
        <source>Wrote %1 rows to %2</source>
        <translation>已将 %1 行写入 %2</translation>
    </message>
    <message>
        <source>(phone and ID numbers in full)</source>
        <translation>（电话和身份证号未脱敏）</translation>
    </message>
    <message>
        <source>Export cancelled; no file was written.</source>
        <translation>导出已取消，未写入任何文件。</translation>
    </message>
    <message>
        <source>%1 Nothing was exported.</source>
        <translation>%1未导出任何文件。</translation>
    </message>
    <message>
        <source>Cannot reach %1: no answer in %2 s.</source>
        <translation>无法访问 %1：%2 秒内无响应。</translation>
    </message>
    <message>
        <source>Cannot reach %1: %2.</source>
        <translation>无法访问 %1：%2。</translation>
    </message>
    <message>
        <source>next</source>
        <translation>下次</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>last run %1 OK</source>
        <translation>上次 %1 成功</translation>
    </message>
    <message>
        <source>last run %1 FAILED</source>
        <translation>上次 %1 失败</translation>
    </message>
    <message>
        <source>This workstation writes the scheduled exports to %1.</source>
        <translation>本工作站负责将定时导出写入 %1。</translation>
    </message>
    <message>
        <source>Another workstation (%2) runs the scheduled exports; its last run wrote to %1.</source>
        <translation>定时导出由另一台工作站（%2）执行；最近一次写入 %1。</translation>
    </message>
    <message>
        <source>Another workstation (%2) runs the scheduled exports and writes them to its own export folder.</source>
        <translation>定时导出由另一台工作站（%2）执行，写入该工作站的导出文件夹。</translation>
    </message>
    <message>
        <source>No workstation runs the scheduled exports at the moment; the next console to start takes them over (a run it missed is made up).</source>
        <translation>目前没有工作站在执行定时导出；下一台启动的工作站会接管（错过的导出会补做）。</translation>
    </message>
    <message>
        <source>Scheduled export</source>
        <translation>定时导出</translation>
    </message>
    <message>
        <source>Time of day (China time), HH:MM</source>
        <translation>每日时间（北京时间），HH:MM</translation>
    </message>
</context>
<context>
    <name>LineDialog</name>
    <message>
        <source>New patrol line</source>
        <translation>新建巡逻线路</translation>
    </message>
    <message>
        <source>Patrol line %1</source>
        <translation>巡逻线路 %1</translation>
    </message>
    <message>
        <source>e.g. 夜市收市巡逻线</source>
        <translation>例如：夜市收市巡逻线</translation>
    </message>
    <message>
        <source>In use: shown on the map and given to patrol plans</source>
        <translation>启用：在地图上显示，并纳入巡逻布警方案</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Patrolled daily</source>
        <translation>每日巡逻时段</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>长度</translation>
    </message>
</context>
<context>
    <name>LiveLayers</name>
    <message>
        <source>%1 moved up to %2 (its plan point: %3)</source>
        <translation>%1 补位至 %2（方案点位：%3）</translation>
    </message>
    <message>
        <source>%1 patrols at %2</source>
        <translation>%1 在 %2 巡逻</translation>
    </message>
    <message>
        <source>Move up: %1 → %2 (%3 min)</source>
        <translation>建议补位：%1 → %2（约%3分钟）</translation>
    </message>
    <message>
        <source>Free units reach (share of grids): %1</source>
        <translation>空闲警力可达（网格占比）：%1</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>Precinct Console — sign in</source>
        <translation>Precinct Console —— 登录</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Database: %1</source>
        <translation>数据库：%1</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Sign-in failed: %1</source>
        <translation>登录失败：%1</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>This panel could not be opened; see the log.</source>
        <translation>此面板无法打开，请查看日志。</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Change &amp;password…</source>
        <translation>修改密码(&amp;P)…</translation>
    </message>
    <message>
        <source>&amp;Accounts…</source>
        <translation>账号管理(&amp;A)…</translation>
    </message>
    <message>
        <source>Sign &amp;out</source>
        <translation>退出登录(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出程序(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Fill the window with this panel</source>
        <translation>当前面板铺满窗口(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Reset layout</source>
        <translation>恢复默认布局(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About Precinct Console</source>
        <translation>关于 Precinct Console(&amp;A)</translation>
    </message>
    <message>
        <source>An administrator has made the account %1 %2: this seat was signed out. Sign in again to work as %2.</source>
        <translation>管理员已将账号 %1 改为%2，本席位已退出登录。请重新登录，以%2身份工作。</translation>
    </message>
    <message>
        <source>An administrator has disabled the account %1: this seat was signed out. Sign in with an account in use.</source>
        <translation>管理员已停用账号 %1，本席位已退出登录。请用在用的账号登录。</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>未保存：%1</translation>
    </message>
    <message>
        <source>%1 fills the window; F11 brings the other panels back</source>
        <translation>%1 已铺满窗口；按 F11 恢复其他面板</translation>
    </message>
    <message>
        <source>Local database</source>
        <translation>本机数据库</translation>
    </message>
    <message>
        <source>● Connected</source>
        <translation>● 已连接</translation>
    </message>
    <message>
        <source>◐ Reconnecting…</source>
        <translation>◐ 正在重新连接…</translation>
    </message>
    <message>
        <source>○ Offline</source>
        <translation>○ 离线</translation>
    </message>
    <message>
        <source>The database connection is back</source>
        <translation>数据库连接已恢复</translation>
    </message>
</context>
<context>
    <name>MapDrawing</name>
    <message>
        <source>New zone (draw its outline)…</source>
        <translation>新建区域（在地图上画边界）…</translation>
    </message>
    <message>
        <source>New patrol line (draw its route)…</source>
        <translation>新建巡逻线路（在地图上画走向）…</translation>
    </message>
    <message>
        <source>Edit patrol line %1…</source>
        <translation>编辑巡逻线路 %1…</translation>
    </message>
    <message>
        <source>Redraw the route of %1…</source>
        <translation>重画 %1 的走向…</translation>
    </message>
    <message>
        <source>Edit zone %1…</source>
        <translation>编辑区域 %1…</translation>
    </message>
    <message>
        <source>Redraw the outline of %1…</source>
        <translation>重画 %1 的边界…</translation>
    </message>
    <message>
        <source>Click the corners · double-click or Enter closes the outline · Backspace takes the last corner back · Esc cancels</source>
        <translation>依次点击各拐点 · 双击或回车闭合边界 · 退格撤销上一个拐点 · Esc 取消</translation>
    </message>
    <message>
        <source>Click along the route · double-click or Enter ends it · Backspace takes the last corner back · Esc cancels</source>
        <translation>沿线路依次点击 · 双击或回车结束 · 退格撤销上一个拐点 · Esc 取消</translation>
    </message>
    <message>
        <source>An outline needs at least three corners · Esc cancels</source>
        <translation>边界至少需要三个拐点 · Esc 取消</translation>
    </message>
    <message>
        <source>A route needs at least two corners · Esc cancels</source>
        <translation>线路至少需要两个点 · Esc 取消</translation>
    </message>
    <message>
        <source>Saved: %1 %2</source>
        <translation>已保存：%1 %2</translation>
    </message>
</context>
<context>
    <name>MapPanel</name>
    <message>
        <source>grids</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>patrol zones</source>
        <translation>巡区</translation>
    </message>
    <message>
        <source>key sites</source>
        <translation>重点部位</translation>
    </message>
    <message>
        <source>posts</source>
        <translation>警务站</translation>
    </message>
    <message>
        <source>must-patrol points</source>
        <translation>必巡点</translation>
    </message>
    <message>
        <source>patrol lines</source>
        <translation>巡逻线路</translation>
    </message>
    <message>
        <source>Districts (警务区)</source>
        <translation>警务区</translation>
    </message>
    <message>
        <source>Small grids</source>
        <translation>小网格</translation>
    </message>
    <message>
        <source>Micro grids</source>
        <translation>微网格</translation>
    </message>
    <message>
        <source>Grid labels</source>
        <translation>网格标注</translation>
    </message>
    <message>
        <source>Patrol zones</source>
        <translation>巡区</translation>
    </message>
    <message>
        <source>Key zones</source>
        <translation>重点区域</translation>
    </message>
    <message>
        <source>Posts and police rooms</source>
        <translation>警务站和警务室</translation>
    </message>
    <message>
        <source>Key sites</source>
        <translation>重点部位</translation>
    </message>
    <message>
        <source>Must-patrol points</source>
        <translation>必巡点</translation>
    </message>
    <message>
        <source>Patrol lines</source>
        <translation>巡逻线路</translation>
    </message>
    <message>
        <source>Key sites' 1-3-5 rings</source>
        <translation>重点部位 1-3-5 圈</translation>
    </message>
    <message>
        <source>Open incidents</source>
        <translation>在办警情</translation>
    </message>
    <message>
        <source>Units</source>
        <translation>警组</translation>
    </message>
    <message>
        <source>Off-duty units</source>
        <translation>非在岗警组</translation>
    </message>
    <message>
        <source>Units' 1/3/5-minute reach</source>
        <translation>警组 1/3/5 分钟可达范围</translation>
    </message>
    <message>
        <source>Base image</source>
        <translation>底图</translation>
    </message>
    <message>
        <source>Find a grid code or name, key site or address…</source>
        <translation>查找网格代码或名称、重点部位或地址…</translation>
    </message>
    <message>
        <source>Fit jurisdiction</source>
        <translation>显示全辖区</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>图层</translation>
    </message>
    <message>
        <source>Choose base image…</source>
        <translation>选择底图…</translation>
    </message>
    <message>
        <source>Remove base image</source>
        <translation>移除底图</translation>
    </message>
    <message>
        <source>Geometry</source>
        <translation>地理数据</translation>
    </message>
    <message>
        <source>Import GeoJSON…</source>
        <translation>导入 GeoJSON…</translation>
    </message>
    <message>
        <source>Export GeoJSON…</source>
        <translation>导出 GeoJSON…</translation>
    </message>
    <message>
        <source>Patrolled %1</source>
        <translation>巡逻时段 %1</translation>
    </message>
    <message>
        <source>Patrolled all day</source>
        <translation>全天巡逻</translation>
    </message>
    <message>
        <source>Reach target: %1 min</source>
        <translation>到达时限：%1 分钟</translation>
    </message>
    <message>
        <source>Repeat place (一地多警)</source>
        <translation>一地多警</translation>
    </message>
    <message>
        <source>incidents</source>
        <translation>起警情</translation>
    </message>
    <message>
        <source>Nothing found for “%1”</source>
        <translation>未找到“%1”</translation>
    </message>
    <message>
        <source>Import grids, zones, key sites, posts or must-patrol points</source>
        <translation>导入网格、巡区、重点部位、警务站或必巡点</translation>
    </message>
    <message>
        <source>GeoJSON (*.geojson *.json)</source>
        <translation>GeoJSON 文件 (*.geojson *.json)</translation>
    </message>
    <message>
        <source>Geometry imported: %1</source>
        <translation>地理数据已导入：%1</translation>
    </message>
    <message>
        <source>%1 stand(s) in none of the station's grids: check the coordinates</source>
        <translation>%1 不在本所任何网格内，请核对坐标</translation>
    </message>
    <message>
        <source>%1: %2 new, %3 updated, %4 unchanged</source>
        <translation>%1（新增 %2，更新 %3，未变 %4）</translation>
    </message>
    <message>
        <source>%1: %2 new, %3 updated</source>
        <translation>%1（新增 %2，更新 %3）</translation>
    </message>
    <message>
        <source>nothing to import</source>
        <translation>没有可导入的内容</translation>
    </message>
    <message>
        <source>Nothing was imported</source>
        <translation>未导入任何数据</translation>
    </message>
    <message>
        <source>%1 problem(s) in the file; fix them and import again.</source>
        <translation>文件中有 %1 处问题，请修正后重新导入。</translation>
    </message>
    <message>
        <source>Export geometry</source>
        <translation>导出地理数据</translation>
    </message>
    <message>
        <source>GeoJSON (*.geojson)</source>
        <translation>GeoJSON 文件 (*.geojson)</translation>
    </message>
    <message>
        <source>%1 feature(s) written to %2</source>
        <translation>已将 %1 个要素写入 %2</translation>
    </message>
    <message>
        <source>Base image with a world file</source>
        <translation>带坐标配准文件（world file）的底图</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg)</source>
        <translation>图片 (*.png *.jpg *.jpeg)</translation>
    </message>
</context>
<context>
    <name>MoveUpDialog</name>
    <message>
        <source>Move up %1 to… (补位)</source>
        <translation>%1 补位至…</translation>
    </message>
    <message>
        <source>3-min cover of the plan's expected calls now: %1. Each point with the cover once %2 is there:</source>
        <translation>方案预计警情3分钟覆盖：现 %1。%2 到各点位后的覆盖：</translation>
    </message>
    <message>
        <source>Point</source>
        <translation>点位</translation>
    </message>
    <message>
        <source>Drive</source>
        <translation>车程</translation>
    </message>
    <message>
        <source>3-min cover</source>
        <translation>3分钟覆盖</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>约%1分钟</translation>
    </message>
    <message>
        <source>%1 cannot be moved up now (%2): it can only be sent back to its own point</source>
        <translation>%1 当前不能补位（%2）：只能归位到方案点位</translation>
    </message>
    <message>
        <source>ordered there now</source>
        <translation>当前指令点位</translation>
    </message>
    <message>
        <source>its own point in the plan</source>
        <translation>方案点位</translation>
    </message>
    <message>
        <source>Choose a point to send %1 to</source>
        <translation>请选择 %1 的补位点位</translation>
    </message>
</context>
<context>
    <name>NewAccountDialog</name>
    <message>
        <source>New account</source>
        <translation>新建账号</translation>
    </message>
    <message>
        <source>e.g. zhang.wei (no spaces)</source>
        <translation>如 zhang.wei（不含空格）</translation>
    </message>
    <message>
        <source>May see phone and ID numbers in full</source>
        <translation>可查看完整电话号码和身份证号</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Password again</source>
        <translation>再次输入密码</translation>
    </message>
    <message>
        <source>User name: required</source>
        <translation>用户名：必填</translation>
    </message>
</context>
<context>
    <name>NewTaskDialog</name>
    <message>
        <source>New follow-up task</source>
        <translation>新建派单任务</translation>
    </message>
    <message>
        <source>{section} · {name} ({hours} h)</source>
        <translation>{section} · {name}（{hours} 小时）</translation>
    </message>
    <message>
        <source>(no grid)</source>
        <translation>（无网格）</translation>
    </message>
    <message>
        <source>The grid's community officer</source>
        <translation>本网格社区民警</translation>
    </message>
    <message>
        <source>Catalogue task</source>
        <translation>目录任务</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Send to</source>
        <translation>派发给</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详细内容</translation>
    </message>
    <message>
        <source>field 'title': must be filled in</source>
        <translation>字段“标题”：必须填写</translation>
    </message>
</context>
<context>
    <name>OfficerDialog</name>
    <message>
        <source>Add officer</source>
        <translation>新增人员</translation>
    </message>
    <message>
        <source>Edit %1</source>
        <translation>编辑 %1</translation>
    </message>
    <message>
        <source>e.g. 一级警长</source>
        <translation>如：一级警长</translation>
    </message>
    <message>
        <source>e.g. 急救、调解、外语</source>
        <translation>如：急救、调解、外语</translation>
    </message>
    <message>
        <source>drone pilot</source>
        <translation>无人机</translation>
    </message>
    <message>
        <source>On the station's roll</source>
        <translation>在本所名册中</translation>
    </message>
    <message>
        <source>Badge number</source>
        <translation>警号</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Rank</source>
        <translation>职级</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>班组</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>岗位</translation>
    </message>
    <message>
        <source>Skills</source>
        <translation>技能</translation>
    </message>
    <message>
        <source>Driving licences</source>
        <translation>准驾车型</translation>
    </message>
    <message>
        <source>%1: required</source>
        <translation>%1：必填</translation>
    </message>
</context>
<context>
    <name>PasswordDialog</name>
    <message>
        <source>Change password</source>
        <translation>修改密码</translation>
    </message>
    <message>
        <source>Current password</source>
        <translation>当前密码</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>新密码</translation>
    </message>
    <message>
        <source>New password again</source>
        <translation>再次输入新密码</translation>
    </message>
    <message>
        <source>Current password: required</source>
        <translation>当前密码：必填</translation>
    </message>
    <message>
        <source>New password again: the two new passwords differ</source>
        <translation>再次输入新密码：两次输入的新密码不一致</translation>
    </message>
    <message>
        <source>Password changed</source>
        <translation>密码已修改</translation>
    </message>
</context>
<context>
    <name>PatrolDialog</name>
    <message>
        <source>Record a patrol (巡逻登记)</source>
        <translation>巡逻登记</translation>
    </message>
    <message>
        <source>(on foot, no unit)</source>
        <translation>（徒步，无警组）</translation>
    </message>
    <message>
        <source>(no patrol zone)</source>
        <translation>（不限巡区）</translation>
    </message>
    <message>
        <source>e.g. 解放路—火车站—夜市美食街</source>
        <translation>如：解放路—火车站—夜市美食街</translation>
    </message>
    <message>
        <source>What the patrol found and did (巡逻成效)</source>
        <translation>巡逻成效：发现和处置的情况</translation>
    </message>
    <message>
        <source>People checked</source>
        <translation>盘查人员</translation>
    </message>
    <message>
        <source>Vehicles checked</source>
        <translation>盘查车辆</translation>
    </message>
    <message>
        <source>Stake-outs</source>
        <translation>定点守候</translation>
    </message>
    <message>
        <source>Arrests</source>
        <translation>现场抓获</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>警组</translation>
    </message>
    <message>
        <source>Officers</source>
        <translation>巡逻人员</translation>
    </message>
    <message>
        <source>Patrol zone</source>
        <translation>巡区</translation>
    </message>
    <message>
        <source>From</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <source>To</source>
        <translation>结束时间</translation>
    </message>
    <message>
        <source>Route</source>
        <translation>巡逻路线</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>巡逻成效</translation>
    </message>
    <message>
        <source>To: the patrol ends before it starts</source>
        <translation>结束时间：早于开始时间</translation>
    </message>
    <message>
        <source>Officers: name who went on the patrol</source>
        <translation>巡逻人员：请填写参加巡逻的人员</translation>
    </message>
</context>
<context>
    <name>PatrolListDialog</name>
    <message>
        <source>Patrols recorded (巡逻记录)</source>
        <translation>巡逻记录</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>警组</translation>
    </message>
    <message>
        <source>Patrol zone</source>
        <translation>巡区</translation>
    </message>
    <message>
        <source>Officers</source>
        <translation>巡逻人员</translation>
    </message>
    <message>
        <source>Arrests</source>
        <translation>现场抓获</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>巡逻成效</translation>
    </message>
    <message>
        <source>Withdraw…</source>
        <translation>撤销…</translation>
    </message>
    <message>
        <source>Withdraw a patrol record</source>
        <translation>撤销巡逻记录</translation>
    </message>
    <message>
        <source>Why is %1 withdrawn? (kept in the audit log)</source>
        <translation>为什么撤销 %1？（原因记入审计日志）</translation>
    </message>
</context>
<context>
    <name>PatrolSheetDialog</name>
    <message>
        <source>Patrol orders of plan %1</source>
        <translation>方案 %1 的巡逻勤务派班单</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>打印…</translation>
    </message>
    <message>
        <source>Save PDF…</source>
        <translation>另存为 PDF…</translation>
    </message>
    <message>
        <source>Not yet accepted: these are not the shift's orders</source>
        <translation>尚未采纳：这还不是本班的巡逻指令</translation>
    </message>
    <message>
        <source>Save PDF</source>
        <translation>另存为 PDF</translation>
    </message>
    <message>
        <source>Could not save the patrol order sheet to %1: %2</source>
        <translation>无法将巡逻派班单保存到 %1：%2</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>已保存：%1</translation>
    </message>
</context>
<context>
    <name>PeopleEditor</name>
    <message>
        <source>People of %1</source>
        <translation>%1 的人员</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>职务</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Move up</source>
        <translation>上移</translation>
    </message>
    <message>
        <source>Printed on the grid's public notice board in this order.</source>
        <translation>按此顺序印在网格公示牌上。</translation>
    </message>
</context>
<context>
    <name>PlanShiftsDialog</name>
    <message>
        <source>Plan shifts</source>
        <translation>排班</translation>
    </message>
    <message>
        <source>New pattern: %1</source>
        <translation>新建班制：%1</translation>
    </message>
    <message>
        <source>e.g. 2027年四班三运转</source>
        <translation>如：2027年四班三运转</translation>
    </message>
    <message>
        <source>Each shift of the day in order: its name, start and hours (白班 08:00 8) or its end (白班 08:00-16:00), separated by commas. Empty: the usual shifts from the handover time. The first shift starts at the handover.</source>
        <translation>按一天中的顺序填写各班次：名称、开始时间和时长（白班 08:00 8），或结束时间（白班 08:00-16:00），以逗号分隔。留空则按交接班时间排常规班次。第一个班次从交接班时间开始。</translation>
    </message>
    <message>
        <source>two days on each shift (白白中中夜夜休休, 8 days a cycle)</source>
        <translation>每班两天（白白中中夜夜休休，8天一轮）</translation>
    </message>
    <message>
        <source>one day on each shift (白中夜休, 4 days a cycle)</source>
        <translation>每班一天（白中夜休，4天一轮）</translation>
    </message>
    <message>
        <source>The teams in rotation order, as the officers' team field names them, separated by commas</source>
        <translation>按轮换顺序填写班组，名称与人员的“班组”一致，用逗号分隔</translation>
    </message>
    <message>
        <source>patrol (巡逻)</source>
        <translation>巡逻</translation>
    </message>
    <message>
        <source>duty desk (值班台)</source>
        <translation>值班台</translation>
    </message>
    <message>
        <source>at a post (驻站)</source>
        <translation>驻站</translation>
    </message>
    <message>
        <source>standby (备勤)</source>
        <translation>备勤</translation>
    </message>
    <message>
        <source>Officers on leave or training over a shift are left off it</source>
        <translation>班次期间休假或参加培训的人员不排入该班次</translation>
    </message>
    <message>
        <source>crew the units</source>
        <translation>编入警组</translation>
    </message>
    <message>
        <source>A unit goes out with at least this many, one of them a police officer (民警): two is patrol in pairs (双人巡逻). A unit with fewer seats takes what it seats; a car the team cannot crew is left in and named</source>
        <translation>每个警组出勤的最少人数，其中至少一名民警：2 即双人巡逻。座位少于此数的警组按座位数编排；班组人手不足、无法编组的车辆不出勤，并在排班结果中列明</translation>
    </message>
    <message>
        <source>Worked out from the pattern before any shift is made. You may still plan: the calendar then names every officer over a limit.</source>
        <translation>由班制推算，此时尚未排任何班次。仍可照常排班：排班后日历会列出每位超出上限的民警。</translation>
    </message>
    <message>
        <source>none</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>Officers needed at each post, every shift</source>
        <translation>各岗位每班最少人数</translation>
    </message>
    <message>
        <source>Pattern</source>
        <translation>班制</translation>
    </message>
    <message>
        <source>New pattern's name</source>
        <translation>新班制名称</translation>
    </message>
    <message>
        <source>Handover time</source>
        <translation>交接班时间</translation>
    </message>
    <message>
        <source>Shifts</source>
        <translation>班次</translation>
    </message>
    <message>
        <source>Minimum staff per shift</source>
        <translation>每班最少人数</translation>
    </message>
    <message>
        <source>Extra staff on public holidays</source>
        <translation>法定节假日每班加派</translation>
    </message>
    <message>
        <source>Teams</source>
        <translation>班组</translation>
    </message>
    <message>
        <source>Rotation</source>
        <translation>轮转方式</translation>
    </message>
    <message>
        <source>at least </source>
        <translation>每组至少 </translation>
    </message>
    <message>
        <source> in each</source>
        <translation> 人</translation>
    </message>
    <message>
        <source>Put each team's officers on its shifts as</source>
        <translation>按班组把人员排上各自班次，担任</translation>
    </message>
    <message>
        <source>Each officer rides the unit he rode on his team's last shift; the others are spread over the units in service, every vehicle with someone whose driving licence allows it and every crew with a police officer (民警): no auxiliary goes out alone</source>
        <translation>每人沿用本班组上一班次所在的警组；其余人员分配到在用警组，每辆车都安排准驾车型相符的驾驶员，每个警组都有民警，辅警不单独上岗</translation>
    </message>
    <message>
        <source>From</source>
        <translation>自</translation>
    </message>
    <message>
        <source>To (inclusive)</source>
        <translation>至（含当日）</translation>
    </message>
    <message>
        <source>Teams: %1 needs at least %2 teams</source>
        <translation>班组：%1至少需要 %2 个班组</translation>
    </message>
    <message>
        <source>Shifts: %1 has %2 shifts a day, %3 given</source>
        <translation>班次：%1 每天 %2 个班次，填写了 %3 个</translation>
    </message>
    <message>
        <source>Shifts: %1 has 1 to %2 shifts a day, %3 given</source>
        <translation>班次：%1 每天 1 至 %2 个班次，填写了 %3 个</translation>
    </message>
    <message>
        <source>Shifts: '%1' is not a name, a start time and hours (e.g. 白班 08:00 8, or 白班 08:00-16:00)</source>
        <translation>班次：“%1”不是“名称 开始时间 时长”（如 白班 08:00 8，或 白班 08:00-16:00）</translation>
    </message>
    <message>
        <source>At least %1 h of rest between shifts: a team on this pattern rests only %2 h after %3</source>
        <translation>两班之间最少休息 %1 小时：此排班每组%3后只休息 %2 小时</translation>
    </message>
    <message>
        <source>At most %1 h a week: a team on this pattern works %2 h a week on average, %3 h in its busiest week (Mon–Sun)</source>
        <translation>每周最多 %1 小时：此排班每组平均每周 %2 小时，最忙的一周（周一至周日）%3 小时</translation>
    </message>
    <message>
        <source>At most %1 h a week: a team on this pattern works %2 h in its busiest week (Mon–Sun), %3 h a week on average</source>
        <translation>每周最多 %1 小时：此排班每组最忙的一周（周一至周日）%2 小时，平均每周 %3 小时</translation>
    </message>
    <message>
        <source>Within the station's limits: a team works %1 h a week on average, at most %2 h in a week (Mon–Sun), and rests at least %3 h between shifts</source>
        <translation>符合本所上限：每组平均每周 %1 小时，一周最多 %2 小时（周一至周日），两班之间最少休息 %3 小时</translation>
    </message>
    <message>
        <source>no officer on the roll has a team yet</source>
        <translation>花名册上的人员尚未分班组</translation>
    </message>
    <message>
        <source>Nobody on the roll is in %1: their shifts would be planned with no one on them (the roll's teams: %2)</source>
        <translation>花名册上没有%1的人员：这些班组的班次将无人上岗（花名册上的班组：%2）</translation>
    </message>
    <message>
        <source>%1 get no shifts: %2 rotates only %3 teams</source>
        <translation>%1 不排班：%2只轮换 %3 个班组</translation>
    </message>
    <message>
        <source>To: the period ends before it starts</source>
        <translation>至：结束日期早于开始日期</translation>
    </message>
    <message>
        <source>To: plan at most %1 days at a time</source>
        <translation>至：一次最多排 %1 天</translation>
    </message>
    <message>
        <source>New pattern's name: required</source>
        <translation>新班制名称：必填</translation>
    </message>
    <message>
        <source>Teams: name at least one</source>
        <translation>班组：至少填写一个</translation>
    </message>
</context>
<context>
    <name>PointDialog</name>
    <message>
        <source>New post or police room here</source>
        <translation>在此新增警务站/警务室</translation>
    </message>
    <message>
        <source>New key site here</source>
        <translation>在此新增重点部位</translation>
    </message>
    <message>
        <source>New must-patrol point here</source>
        <translation>在此新增必巡点</translation>
    </message>
    <message>
        <source>Post or police room %1</source>
        <translation>警务站/警务室 %1</translation>
    </message>
    <message>
        <source>Key site %1</source>
        <translation>重点部位 %1</translation>
    </message>
    <message>
        <source>Must-patrol point %1</source>
        <translation>必巡点 %1</translation>
    </message>
    <message>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <source>In use: shown on the map and offered to patrol plans</source>
        <translation>启用：在地图上显示，并作为巡逻部署的候选点位</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>A unit within</source>
        <translation>警力到达时限</translation>
    </message>
    <message>
        <source>Patrolled daily</source>
        <translation>每日巡逻时段</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Longitude, latitude (WGS84)</source>
        <translation>经度、纬度（WGS84）</translation>
    </message>
    <message>
        <source>Position</source>
        <translation>位置</translation>
    </message>
</context>
<context>
    <name>PointEditing</name>
    <message>
        <source>New post or police room…</source>
        <translation>新增警务站/警务室…</translation>
    </message>
    <message>
        <source>New key site…</source>
        <translation>新增重点部位…</translation>
    </message>
    <message>
        <source>New must-patrol point…</source>
        <translation>新增必巡点…</translation>
    </message>
    <message>
        <source>Edit %1…</source>
        <translation>编辑 %1…</translation>
    </message>
    <message>
        <source>Move %1…</source>
        <translation>移动 %1…</translation>
    </message>
    <message>
        <source>New post or police room here…</source>
        <translation>在此新增警务站/警务室…</translation>
    </message>
    <message>
        <source>New key site here…</source>
        <translation>在此新增重点部位…</translation>
    </message>
    <message>
        <source>New must-patrol point here…</source>
        <translation>在此新增必巡点…</translation>
    </message>
    <message>
        <source>Must-patrol points not in use</source>
        <translation>未启用的必巡点</translation>
    </message>
    <message>
        <source>Click where it goes on the map · Esc cancels</source>
        <translation>请在地图上点击放置位置 · 按 Esc 取消</translation>
    </message>
    <message>
        <source>Saved: %1 %2</source>
        <translation>已保存：%1 %2</translation>
    </message>
</context>
<context>
    <name>PointKind</name>
    <message>
        <source>Post (警务站)</source>
        <translation>警务站</translation>
    </message>
    <message>
        <source>Police room (警务室)</source>
        <translation>警务室</translation>
    </message>
    <message>
        <source>School</source>
        <translation>学校</translation>
    </message>
    <message>
        <source>Hospital</source>
        <translation>医院</translation>
    </message>
    <message>
        <source>Bank</source>
        <translation>银行</translation>
    </message>
    <message>
        <source>Market</source>
        <translation>市场</translation>
    </message>
    <message>
        <source>Transport hub</source>
        <translation>交通枢纽</translation>
    </message>
</context>
<context>
    <name>PointKindShort</name>
    <message>
        <source>post</source>
        <translation>警务站</translation>
    </message>
    <message>
        <source>police room</source>
        <translation>警务室</translation>
    </message>
    <message>
        <source>must-patrol point</source>
        <translation>必巡点</translation>
    </message>
    <message>
        <source>zone centre</source>
        <translation>巡区中心</translation>
    </message>
</context>
<context>
    <name>Priority</name>
    <message>
        <source>1 high</source>
        <translation>1 急</translation>
    </message>
    <message>
        <source>2 mid</source>
        <translation>2 一般</translation>
    </message>
    <message>
        <source>3 low</source>
        <translation>3 缓</translation>
    </message>
</context>
<context>
    <name>RegisterDisputeDialog</name>
    <message>
        <source>Register a dispute</source>
        <translation>登记矛盾纠纷</translation>
    </message>
    <message>
        <source>By grade</source>
        <translation>按等级</translation>
    </message>
    <message>
        <source>One party a line: name, role (申请人 / 被申请人 / 当事人), phone</source>
        <translation>每行一名当事人：姓名, 身份（申请人 / 被申请人 / 当事人）, 电话</translation>
    </message>
    <message>
        <source>(no grid)</source>
        <translation>（无网格）</translation>
    </message>
    <message>
        <source>e.g. 城关派出所社区警务队 / 街道司法所</source>
        <translation>例如：城关派出所社区警务队 / 街道司法所</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Grade</source>
        <translation>等级</translation>
    </message>
    <message>
        <source>Risk</source>
        <translation>风险</translation>
    </message>
    <message>
        <source>Parties</source>
        <translation>当事人</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Mediation</source>
        <translation>调解方式</translation>
    </message>
    <message>
        <source>Responsible unit</source>
        <translation>责任单位</translation>
    </message>
    <message>
        <source>What it is about</source>
        <translation>纠纷内容</translation>
    </message>
    <message>
        <source>must be filled in</source>
        <translation>必须填写</translation>
    </message>
    <message>
        <source>name at least one party</source>
        <translation>请至少填写一名当事人</translation>
    </message>
    <message>
        <source>Edit dispute {number}</source>
        <translation>编辑纠纷 {number}</translation>
    </message>
</context>
<context>
    <name>ReplayCompare</name>
    <message>
        <source> days back</source>
        <translation> 天（回溯）</translation>
    </message>
    <message>
        <source>Replay</source>
        <translation>回放</translation>
    </message>
    <message>
        <source>Plan A</source>
        <translation>方案 A</translation>
    </message>
    <message>
        <source>Plan B</source>
        <translation>方案 B</translation>
    </message>
    <message>
        <source>Figures</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>1-3-5 compliance: share of calls that met each target (%)</source>
        <translation>1-3-5 达标率：达到各项指标的报警占比（%）</translation>
    </message>
    <message>
        <source>On scene within the target by hour of day (%)</source>
        <translation>各时段按时到场占比（%）</translation>
    </message>
    <message>
        <source>; the units on standby in those hours replayed too: %1</source>
        <translation>；同时段备勤警组一并回放：%1</translation>
    </message>
    <message>
        <source>; the units on standby in those hours replayed too: A %1, B %2</source>
        <translation>；同时段备勤警组一并回放：方案A %1，方案B %2</translation>
    </message>
    <message>
        <source>All met</source>
        <translation>全部达标</translation>
    </message>
    <message>
        <source> + move-ups</source>
        <translation> 含补位</translation>
    </message>
    <message>
        <source>All targets met</source>
        <translation>全部达标</translation>
    </message>
    <message>
        <source>Median response (receipt to first arrival)</source>
        <translation>响应时间中位数（接警至首个到场）</translation>
    </message>
    <message>
        <source>On scene within 1 / 3 / 5 min</source>
        <translation>1 / 3 / 5 分钟内到场</translation>
    </message>
    <message>
        <source>Move-ups made (of them back to the unit's own point)</source>
        <translation>补位次数（其中归位）</translation>
    </message>
    <message>
        <source>Propose at least one plan first</source>
        <translation>请先生成至少一个方案</translation>
    </message>
    <message>
        <source>with move-ups</source>
        <translation>含补位</translation>
    </message>
    <message>
        <source>Replay the plan as if the command room had followed the unit board's cover line: each time a unit of the plan goes out on a call or comes free, free units are moved up (补位) to the points it suggests and take the next calls from there</source>
        <translation>按警力状态栏的补位建议推演：方案内警组每次出警或处置完毕转为空闲时，空闲警组按建议补位到相应点位，并从补位点出警</translation>
    </message>
    <message>
        <source>Replaying…</source>
        <translation>正在回放…</translation>
    </message>
    <message>
        <source>%1 calls replayed; deterministic: the same days give the same figures</source>
        <translation>已回放 %1 次报警；结果可复现：相同日期得出相同指标</translation>
    </message>
    <message>
        <source>What happened</source>
        <translation>实际情况</translation>
    </message>
    <message>
        <source>Calls waiting for a free unit</source>
        <translation>等待空闲警力的报警</translation>
    </message>
    <message>
        <source>Calls no planned unit could take</source>
        <translation>无计划警力可处置的报警</translation>
    </message>
</context>
<context>
    <name>ResetPasswordDialog</name>
    <message>
        <source>Reset password</source>
        <translation>重置密码</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>账号</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>新密码</translation>
    </message>
    <message>
        <source>New password again</source>
        <translation>再次输入新密码</translation>
    </message>
</context>
<context>
    <name>RoleDialog</name>
    <message>
        <source>Change role</source>
        <translation>更改角色</translation>
    </message>
    <message>
        <source>Seats signed in with this account are signed out at their next save, and sign in again with the new role.</source>
        <translation>已用此账号登录的席位在下次保存时将被登出，重新登录后按新角色工作。</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>账号</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
</context>
<context>
    <name>RollImportDialog</name>
    <message>
        <source>Import staff list: %1</source>
        <translation>导入花名册：%1</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>%1 new, %2 changed, %3 unchanged</source>
        <translation>新增 %1 人，变更 %2 人，无变化 %3 人</translation>
    </message>
    <message>
        <source>; %1 problem(s): nothing can be imported until the file is fixed</source>
        <translation>；%1 处问题：改正文件前无法导入</translation>
    </message>
    <message>
        <source>; nothing to import: the roll already reads as the file</source>
        <translation>；无需导入：名册已与文件一致</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>(empty)</source>
        <translation>（空）</translation>
    </message>
    <message>
        <source>row %1</source>
        <translation>第 %1 行</translation>
    </message>
    <message>
        <source>Problems (%1): fix them in the file and import it again</source>
        <translation>问题（%1 处）：请在文件中改正后重新导入</translation>
    </message>
    <message>
        <source>Changed (%1)</source>
        <translation>变更（%1 人）</translation>
    </message>
    <message>
        <source>New officers (%1)</source>
        <translation>新增人员（%1 人）</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <source>same name as %1 on the roll</source>
        <translation>与在册的 %1 同名</translation>
    </message>
    <message>
        <source>Unchanged (%1)</source>
        <translation>无变化（%1 人）</translation>
    </message>
    <message>
        <source>Not in the file</source>
        <translation>不在文件中的在册人员</translation>
    </message>
    <message>
        <source>%1 officer(s) on the roll are not in the file: they are not removed and stay on the roll (take one off with Edit officer…).</source>
        <translation>名册中有 %1 人不在文件中：不会被删除，仍保留在册（如需移出名册，请用“编辑人员…”）。</translation>
    </message>
    <message>
        <source>Every officer on the roll is in the file.</source>
        <translation>在册人员都在文件中。</translation>
    </message>
    <message>
        <source>Columns not imported (the console keeps nothing of them): %1</source>
        <translation>未导入的列（本系统不保存）：%1</translation>
    </message>
    <message>
        <source>Row %1 is the template's example (张伟, 010001): not imported</source>
        <translation>第 %1 行是模板的示例（张伟，010001）：未导入</translation>
    </message>
    <message>
        <source>Only sheet %1 was read; not read: %2</source>
        <translation>只读取了工作表“%1”；未读取：%2</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>说明</translation>
    </message>
</context>
<context>
    <name>RosterExport</name>
    <message>
        <source>Export the roster to</source>
        <translation>排班表导出到</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Writing the roster to %1…</source>
        <translation>正在将排班表写入 %1…</translation>
    </message>
    <message>
        <source>Roster %1 written to %2: open it in Excel, WPS or LibreOffice to print</source>
        <translation>%1排班表已导出到 %2，可用 Excel、WPS 或 LibreOffice 打开打印</translation>
    </message>
</context>
<context>
    <name>RosterPanel</name>
    <message>
        <source>This week</source>
        <translation>本周</translation>
    </message>
    <message>
        <source>Week</source>
        <translation>周</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>月</translation>
    </message>
    <message>
        <source>Copy week to next week</source>
        <translation>复制本周排班到下周</translation>
    </message>
    <message>
        <source>Swap shifts</source>
        <translation>换班</translation>
    </message>
    <message>
        <source>Select two rostered cells (Ctrl+click), then swap</source>
        <translation>选中两个已排班的格子（Ctrl+单击），然后换班</translation>
    </message>
    <message>
        <source>Plan shifts…</source>
        <translation>排班…</translation>
    </message>
    <message>
        <source>Make the shifts of a period from a shift pattern</source>
        <translation>按班制生成一段时间的班次</translation>
    </message>
    <message>
        <source>Leave / training…</source>
        <translation>请假/培训…</translation>
    </message>
    <message>
        <source>Add officer…</source>
        <translation>新增人员…</translation>
    </message>
    <message>
        <source>Units…</source>
        <translation>警组…</translation>
    </message>
    <message>
        <source>Add a unit, edit one, take one out of service</source>
        <translation>新增、修改或停用警组</translation>
    </message>
    <message>
        <source>Rules…</source>
        <translation>规则…</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出排班表…</translation>
    </message>
    <message>
        <source>Write the week or month shown as the roster to print and post (Excel; Ctrl+E)</source>
        <translation>将当前显示的一周或一个月导出为可打印张贴的排班表（Excel；Ctrl+E）</translation>
    </message>
    <message>
        <source>Keys: Enter assigns a shift that day · Menu key: leave, change or remove · Ctrl+arrows, Ctrl+Space: pick two cells to swap</source>
        <translation>按键：Enter 安排当日班次 · 菜单键 请假、调整或删除 · Ctrl+方向键、Ctrl+空格 选两格换班</translation>
    </message>
    <message>
        <source>desk duty</source>
        <translation>值班台</translation>
    </message>
    <message>
        <source>at a post</source>
        <translation>驻站</translation>
    </message>
    <message>
        <source>standby</source>
        <translation>备勤</translation>
    </message>
    <message>
        <source>leave</source>
        <translation>休假</translation>
    </message>
    <message>
        <source>training</source>
        <translation>培训</translation>
    </message>
    <message>
        <source>rest day</source>
        <translation>休息</translation>
    </message>
    <message>
        <source>Marks: %1</source>
        <translation>图例：%1</translation>
    </message>
    <message>
        <source>Nobody is on the roll yet: import the station's 花名册 (Staff list ▸ Import from Excel or CSV…) or add officers one by one (Add officer…)</source>
        <translation>花名册上还没有人员：请导入本所花名册（花名册 ▸ 从 Excel 或 CSV 导入…），或逐个新增人员（新增人员…）</translation>
    </message>
    <message>
        <source>Nobody is on the roll yet</source>
        <translation>花名册上还没有人员</translation>
    </message>
    <message numerus="yes">
        <source>▲ %n rule violation(s) in this period</source>
        <translation>
            <numerusform>▲ 本期有 %n 处违反排班规则</numerusform>
        </translation>
    </message>
    <message>
        <source>✓ No rule violations in this period</source>
        <translation>✓ 本期无违反排班规则</translation>
    </message>
    <message>
        <source>Rest and weekly hours limits (now: at least %1 h of rest, at most %2 h a week)</source>
        <translation>休息与每周工时上限（当前：至少休息 %1 小时，每周最多 %2 小时）</translation>
    </message>
    <message>
        <source>▲ The public holidays and adjusted working days of %1 are not in this installation's calendar tables yet: those days are planned as ordinary weekdays and weekends, with no holiday staffing. Update the console once the State Council's arrangement is published.</source>
        <translation>▲ 本机节假日表尚未收录 %1 年的法定节假日和调休：这些日子按普通工作日和周末排班，不加派节假日警力。国务院办公厅公布放假安排后，请升级本系统。</translation>
    </message>
    <message>
        <source>staffing</source>
        <translation>在岗人数</translation>
    </message>
    <message>
        <source>post staffing</source>
        <translation>岗位人数</translation>
    </message>
    <message>
        <source>rest</source>
        <translation>休息时间</translation>
    </message>
    <message>
        <source>weekly hours</source>
        <translation>周工时</translation>
    </message>
    <message>
        <source>two places</source>
        <translation>同时两处</translation>
    </message>
    <message>
        <source>leave/training</source>
        <translation>休假/培训</translation>
    </message>
    <message>
        <source>unit crew</source>
        <translation>警组编成</translation>
    </message>
    <message>
        <source>off the roll</source>
        <translation>已不在册</translation>
    </message>
    <message numerus="yes">
        <source>%n crew(s) formed</source>
        <translation>
            <numerusform>编成 %n 个警组</numerusform>
        </translation>
    </message>
    <message>
        <source>no licensed driver for %1</source>
        <translation>无准驾驾驶员：%1</translation>
    </message>
    <message numerus="yes">
        <source>%1 (%n shift(s))</source>
        <translation>
            <numerusform>%1（%n 个班次）</numerusform>
        </translation>
    </message>
    <message>
        <source>no licensed pilot for %1</source>
        <translation>%1 无持证飞手</translation>
    </message>
    <message>
        <source>%1 kept for standby</source>
        <translation>%1 留作备勤</translation>
    </message>
    <message>
        <source>too few hands to crew %1</source>
        <translation>人手不足、未能编组：%1</translation>
    </message>
    <message numerus="yes">
        <source>%n time(s) an officer found no free seat and is in no unit</source>
        <translation>
            <numerusform>有 %n 人次因警组座位已满未编入警组</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n time(s) an officer is in no unit: too few on the shift to make a crew</source>
        <translation>
            <numerusform>有 %n 人次未编入警组：当班人数不足以编组</numerusform>
        </translation>
    </message>
    <message>
        <source>; </source>
        <translation>；</translation>
    </message>
    <message numerus="yes">
        <source>%n shift(s) planned; the holiday tables do not cover %1 yet: public holidays and adjusted working days there are treated as ordinary days</source>
        <translation>
            <numerusform>已排 %n 个班次；节假日表尚未收录 %1 年：其中的法定节假日和调休上班日按普通日期处理</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n shift(s) planned</source>
        <translation>
            <numerusform>已排 %n 个班次</numerusform>
        </translation>
    </message>
    <message>
        <source>Every shift of that period was already planned</source>
        <translation>该时段的班次均已排定</translation>
    </message>
    <message>
        <source>%1 saved</source>
        <translation>%1 已保存</translation>
    </message>
    <message>
        <source>%1 is off the roll; past shifts keep the name</source>
        <translation>%1 已移出名册；以往班次仍保留其姓名</translation>
    </message>
    <message>
        <source>%1 is on the roll</source>
        <translation>%1 已在册</translation>
    </message>
    <message>
        <source>Assign to a shift…</source>
        <translation>安排班次…</translation>
    </message>
    <message>
        <source>Leave or training…</source>
        <translation>请假或培训…</translation>
    </message>
    <message>
        <source>Edit officer…</source>
        <translation>编辑人员…</translation>
    </message>
    <message>
        <source>Change: %1…</source>
        <translation>调整：%1…</translation>
    </message>
    <message>
        <source>Remove: %1</source>
        <translation>删除：%1</translation>
    </message>
    <message>
        <source>Cancel: %1</source>
        <translation>撤销：%1</translation>
    </message>
    <message>
        <source>Select exactly two rostered cells to swap</source>
        <translation>请恰好选中两个已排班的格子进行换班</translation>
    </message>
    <message>
        <source>Copy week</source>
        <translation>复制周排班</translation>
    </message>
    <message>
        <source>Copy the roster of the week of %1 onto the week of %2? Entries already there are kept.</source>
        <translation>将 %1 所在周的排班复制到 %2 所在周？该周已有的排班将保留。</translation>
    </message>
    <message numerus="yes">
        <source>%n entry(ies) copied</source>
        <translation>
            <numerusform>已复制 %n 条排班</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Not copied as it was (%n):</source>
        <translation>
            <numerusform>以下排班未按原样复制（%n 条）：</numerusform>
        </translation>
    </message>
    <message>
        <source>no longer on the roll, left off</source>
        <translation>已不在册，未复制</translation>
    </message>
    <message>
        <source>on leave, left off</source>
        <translation>请假中，未复制</translation>
    </message>
    <message>
        <source>in training, left off</source>
        <translation>培训中，未复制</translation>
    </message>
    <message>
        <source>copied without %1, which is out of service</source>
        <translation>%1 已停用，未带入</translation>
    </message>
</context>
<context>
    <name>RosterRulesDialog</name>
    <message>
        <source>Roster rules</source>
        <translation>排班规则</translation>
    </message>
    <message>
        <source> h</source>
        <translation> 小时</translation>
    </message>
    <message>
        <source>Least rest between shifts</source>
        <translation>两班之间最少休息</translation>
    </message>
    <message>
        <source>Most hours in a week (Mon–Sun)</source>
        <translation>每周最多工作时长（周一至周日）</translation>
    </message>
    <message>
        <source>The calendar names every officer rostered against these limits. Defaults: 8 h of rest, 60 h a week.</source>
        <translation>排班日历会列出每位违反这些上限的民警。默认：休息 8 小时，每周 60 小时。</translation>
    </message>
</context>
<context>
    <name>RulesDialog</name>
    <message>
        <source>Automatic follow-up rules</source>
        <translation>自动派单规则</translation>
    </message>
    <message>
        <source>Every dispute incident gets a follow-up</source>
        <translation>每起纠纷警情均派发跟进任务</translation>
    </message>
    <message>
        <source>Same caller (一人多警)</source>
        <translation>一人多警</translation>
    </message>
    <message>
        <source>Same place (一地多警)</source>
        <translation>一地多警</translation>
    </message>
    <message>
        <source>Same matter in a grid (一事多警)</source>
        <translation>一事多警（同一网格）</translation>
    </message>
    <message>
        <source>Incidents closed with “needs revisit”</source>
        <translation>归档时标记“需回访”的警情</translation>
    </message>
    <message>
        <source> incidents</source>
        <translation> 起警情</translation>
    </message>
    <message>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <source>Task for disputes</source>
        <translation>纠纷派单任务</translation>
    </message>
    <message>
        <source>Repeat threshold</source>
        <translation>重复次数阈值</translation>
    </message>
    <message>
        <source>Within</source>
        <translation>时间范围</translation>
    </message>
    <message>
        <source>Task for repeats</source>
        <translation>重复警情派单任务</translation>
    </message>
    <message>
        <source>Task for revisits</source>
        <translation>回访派单任务</translation>
    </message>
    <message>
        <source>Follow-up rules saved</source>
        <translation>派单规则已保存</translation>
    </message>
</context>
<context>
    <name>ServerTimeKeeper</name>
    <message>
        <source>This computer's clock is %1 s off the database server's; times are recorded by the server's clock</source>
        <translation>本机时钟与数据库服务器相差 %1 秒；各项时间按服务器时钟记录</translation>
    </message>
</context>
<context>
    <name>StaffListButton</name>
    <message>
        <source>Staff list</source>
        <translation>花名册</translation>
    </message>
    <message>
        <source>Import the station's staff list (花名册) from Excel, or save a blank template for it</source>
        <translation>从 Excel 导入本所花名册，或保存一份空白模板</translation>
    </message>
    <message>
        <source>Import from Excel or CSV…</source>
        <translation>从 Excel 或 CSV 导入…</translation>
    </message>
    <message>
        <source>Save a blank template…</source>
        <translation>保存空白模板…</translation>
    </message>
    <message>
        <source>Import staff list</source>
        <translation>导入花名册</translation>
    </message>
    <message>
        <source>Staff list (*.xlsx *.csv)</source>
        <translation>花名册 (*.xlsx *.csv)</translation>
    </message>
    <message>
        <source>Staff list imported: %1 added, %2 updated</source>
        <translation>花名册已导入：新增 %1 人，更新 %2 人</translation>
    </message>
    <message>
        <source>Nothing was imported</source>
        <translation>未导入任何内容</translation>
    </message>
    <message>
        <source>Save a blank staff list template</source>
        <translation>保存空白花名册模板</translation>
    </message>
    <message>
        <source>staff list template.xlsx</source>
        <translation>花名册模板.xlsx</translation>
    </message>
    <message>
        <source>Template saved to %1</source>
        <translation>模板已保存到 %1</translation>
    </message>
    <message>
        <source>The template was not saved</source>
        <translation>模板未保存</translation>
    </message>
</context>
<context>
    <name>StatisticsPanel</name>
    <message>
        <source>Week</source>
        <translation>周</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>月</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>日</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Save all charts…</source>
        <translation>保存全部图表…</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>统计周期</translation>
    </message>
    <message>
        <source>Incidents by day</source>
        <translation>每日警情</translation>
    </message>
    <message>
        <source>Incidents by hour of day</source>
        <translation>各时段警情</translation>
    </message>
    <message>
        <source>Incidents by category (year-on-year, period-on-period)</source>
        <translation>警情类别分布（同比、环比）</translation>
    </message>
    <message>
        <source>1-3-5 compliance by day</source>
        <translation>每日 1-3-5 达标率</translation>
    </message>
    <message>
        <source>Dispatches per unit</source>
        <translation>各警组出警次数</translation>
    </message>
    <message>
        <source>Incidents attended per officer (top 10)</source>
        <translation>民警出警数（前10名）</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Caller / place</source>
        <translation>报警人/地点</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>次数</translation>
    </message>
    <message>
        <source>Incident numbers</source>
        <translation>警情编号</translation>
    </message>
    <message>
        <source>Repeat incidents</source>
        <translation>重复警情</translation>
    </message>
    <message>
        <source>Flagged at intake: calls flagged as repeats when taken in, against earlier calls near by. The table: the callers and the addresses with more than one call in the period, most first.</source>
        <translation>接警时标记：接警时与附近先前警情比对而标记为重复的警情数。下表：本期内多次报警的报警人和地址，按次数排列。</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; incidents · year-on-year %2 (%3) · period-on-period %4 (%5) · 1-3-5 (%6): %7 · all targets met %8</source>
        <translation>警情 &lt;b&gt;%1&lt;/b&gt; 起 · 同比 %2（%3）· 环比 %4（%5）· 1-3-5（%6）：%7 · 全部达标 %8</translation>
    </message>
    <message>
        <source> · timed duties kept on time %1 (%2 checked, %3 late)</source>
        <translation> · 定时守点按时到岗率 %1（核验 %2 次，迟到 %3 次）</translation>
    </message>
    <message>
        <source>all targets</source>
        <translation>全部指标</translation>
    </message>
    <message>
        <source>Flagged at intake: %1</source>
        <translation>接警时标记：%1</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>level</source>
        <translation>持平</translation>
    </message>
    <message>
        <source>up %1</source>
        <translation>上升%1</translation>
    </message>
    <message>
        <source>down %1</source>
        <translation>下降%1</translation>
    </message>
    <message>
        <source>Save all charts to</source>
        <translation>全部图表保存到</translation>
    </message>
    <message>
        <source>Could not save the charts to %1: %2</source>
        <translation>无法将图表保存到 %1：%2</translation>
    </message>
    <message>
        <source>Saved %1 of %2 charts to %3; the others could not be written (no permission, or the disk is full)</source>
        <translation>已将 %2 张图表中的 %1 张保存到 %3；其余未能写入（没有权限或磁盘已满）</translation>
    </message>
    <message>
        <source>Saved %1 charts to %2</source>
        <translation>已将 %1 张图表保存到 %2</translation>
    </message>
    <message>
        <source>Saved the chart to %1</source>
        <translation>图表已保存到 %1</translation>
    </message>
    <message>
        <source>Could not save the chart to %1 (no folder there, no permission, or the disk is full)</source>
        <translation>无法将图表保存到 %1（文件夹不存在、没有权限或磁盘已满）</translation>
    </message>
</context>
<context>
    <name>Step</name>
    <message>
        <source>Reinforcement arrived</source>
        <translation>增援到场</translation>
    </message>
    <message>
        <source>Cleared</source>
        <translation>撤离</translation>
    </message>
    <message>
        <source>Reopened</source>
        <translation>重开</translation>
    </message>
    <message>
        <source>Correction</source>
        <translation>更正</translation>
    </message>
    <message>
        <source>Duplicate call</source>
        <translation>重复来电</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Amended</source>
        <translation>修改</translation>
    </message>
</context>
<context>
    <name>TaskBoard</name>
    <message>
        <source>&amp;New task…</source>
        <translation>新建任务(&amp;N)…</translation>
    </message>
    <message>
        <source>From &amp;incident…</source>
        <translation>从警情派单(&amp;I)…</translation>
    </message>
    <message>
        <source>&amp;Work list…</source>
        <translation>工作清单(&amp;W)…</translation>
    </message>
    <message>
        <source>Catalogue…</source>
        <translation>任务目录…</translation>
    </message>
    <message>
        <source>Rules…</source>
        <translation>派单规则…</translation>
    </message>
    <message>
        <source>Filter: number, title, grid, officer, incident…</source>
        <translation>筛选：编号、标题、网格、民警、警情…</translation>
    </message>
    <message>
        <source>All open</source>
        <translation>全部未办结</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>已逾期</translation>
    </message>
    <message>
        <source>Escalated</source>
        <translation>已上报</translation>
    </message>
    <message>
        <source>Every officer</source>
        <translation>全部民警</translation>
    </message>
    <message>
        <source>Unassigned only</source>
        <translation>仅未指派</translation>
    </message>
    <message>
        <source>&amp;Sign</source>
        <translation>签收(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Feed back…</source>
        <translation>反馈(&amp;F)…</translation>
    </message>
    <message>
        <source>&amp;Verify &amp;&amp; close</source>
        <translation>核验办结(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Return…</source>
        <translation>退回(&amp;R)…</translation>
    </message>
    <message>
        <source>&amp;Escalate…</source>
        <translation>上报所长(&amp;E)…</translation>
    </message>
    <message>
        <source>Re&amp;assign…</source>
        <translation>改派(&amp;A)…</translation>
    </message>
    <message>
        <source>{open} open · {sym_b} {overdue} overdue · {sym_n} {near} near · {fed} to verify · {un} unassigned</source>
        <translation>未办结 {open} · {sym_b} 逾期 {overdue} · {sym_n} 临期 {near} · 待核验 {fed} · 未指派 {un}</translation>
    </message>
    <message>
        <source>sign-off</source>
        <translation>签收</translation>
    </message>
    <message>
        <source>feedback</source>
        <translation>反馈</translation>
    </message>
    <message>
        <source>Task {number} {title}: {deadline} overdue</source>
        <translation>任务 {number} {title}：{deadline}已逾期</translation>
    </message>
    <message>
        <source>Task {number} {title}: {deadline} due soon</source>
        <translation>任务 {number} {title}：{deadline}即将到期</translation>
    </message>
    <message>
        <source>{n} more tasks changed state</source>
        <translation>另有 {n} 个任务状态变化</translation>
    </message>
    <message>
        <source>Select a task to see it here.</source>
        <translation>选择一个任务，在此查看详情。</translation>
    </message>
    <message>
        <source>Task {number} signed</source>
        <translation>任务 {number} 已签收</translation>
    </message>
    <message>
        <source>Feedback on {number} sent</source>
        <translation>任务 {number} 的反馈已提交</translation>
    </message>
    <message>
        <source>Task {number} verified and closed</source>
        <translation>任务 {number} 已核验办结</translation>
    </message>
    <message>
        <source>Return for rework</source>
        <translation>退回重办</translation>
    </message>
    <message>
        <source>What must be redone?</source>
        <translation>需要重办哪些内容？</translation>
    </message>
    <message>
        <source>Task {number} returned for rework</source>
        <translation>任务 {number} 已退回重办</translation>
    </message>
    <message>
        <source>Escalate to the station chief</source>
        <translation>上报所长</translation>
    </message>
    <message>
        <source>Why must the chief step in?</source>
        <translation>需要所长介入的原因？</translation>
    </message>
    <message>
        <source>Task {number} escalated</source>
        <translation>任务 {number} 已上报所长</translation>
    </message>
    <message>
        <source>Reassign</source>
        <translation>改派</translation>
    </message>
    <message>
        <source>Send to</source>
        <translation>派发给</translation>
    </message>
    <message>
        <source>Task {number} reassigned</source>
        <translation>任务 {number} 已改派</translation>
    </message>
    <message>
        <source>Task {number} sent</source>
        <translation>任务 {number} 已派发</translation>
    </message>
    <message>
        <source>Follow-up for an incident</source>
        <translation>警情派单</translation>
    </message>
    <message>
        <source>Incident number (the incident selected on the board is used when empty):</source>
        <translation>警情编号（留空则使用看板上选中的警情）：</translation>
    </message>
    <message>
        <source>Select an incident on the board or type its number</source>
        <translation>请在看板上选择一起警情，或输入警情编号</translation>
    </message>
</context>
<context>
    <name>TaskDetail</name>
    <message>
        <source>Sent</source>
        <translation>已派发</translation>
    </message>
    <message>
        <source>Signed</source>
        <translation>已签收</translation>
    </message>
    <message>
        <source>Fed back</source>
        <translation>已反馈</translation>
    </message>
    <message>
        <source>Verified</source>
        <translation>已核验</translation>
    </message>
    <message>
        <source>Returned for rework</source>
        <translation>退回重办</translation>
    </message>
    <message>
        <source>Escalated to the station chief</source>
        <translation>已上报所长</translation>
    </message>
    <message>
        <source>Reassigned</source>
        <translation>已改派</translation>
    </message>
    <message>
        <source>on time</source>
        <translation>未到期</translation>
    </message>
    <message>
        <source>near</source>
        <translation>临期</translation>
    </message>
    <message>
        <source>overdue</source>
        <translation>已逾期</translation>
    </message>
    <message>
        <source>in time</source>
        <translation>按时完成</translation>
    </message>
    <message>
        <source>not running</source>
        <translation>未计时</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation>承办民警</translation>
    </message>
    <message>
        <source>(unassigned)</source>
        <translation>（未指派）</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Incident</source>
        <translation>警情</translation>
    </message>
    <message>
        <source>done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Sign by</source>
        <translation>签收期限</translation>
    </message>
    <message>
        <source>Feed back by</source>
        <translation>反馈期限</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>派单原因</translation>
    </message>
    <message>
        <source>Remarks</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Feedback</source>
        <translation>反馈内容</translation>
    </message>
    <message>
        <source>Feedback (returned)</source>
        <translation>反馈内容（已退回）</translation>
    </message>
    <message>
        <source>Returned %1: %2</source>
        <translation>%1 退回重办，原因：%2</translation>
    </message>
    <message>
        <source>late</source>
        <translation>超期</translation>
    </message>
    <message>
        <source>History</source>
        <translation>流转记录</translation>
    </message>
</context>
<context>
    <name>TaskTableModel</name>
    <message>
        <source>Number</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Countdown</source>
        <translation>倒计时</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation>承办民警</translation>
    </message>
    <message>
        <source>Origin</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>已派发</translation>
    </message>
    <message>
        <source>Signed</source>
        <translation>已签收</translation>
    </message>
    <message>
        <source>Fed back</source>
        <translation>已反馈</translation>
    </message>
    <message>
        <source>Returned</source>
        <translation>已退回</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>已办结</translation>
    </message>
    <message>
        <source>By hand</source>
        <translation>人工派单</translation>
    </message>
    <message>
        <source>From incident</source>
        <translation>来自警情</translation>
    </message>
    <message>
        <source>Rule: dispute</source>
        <translation>规则：纠纷</translation>
    </message>
    <message>
        <source>Rule: repeat caller</source>
        <translation>规则：一人多警</translation>
    </message>
    <message>
        <source>Rule: repeat place</source>
        <translation>规则：一地多警</translation>
    </message>
    <message>
        <source>Rule: repeat matter</source>
        <translation>规则：一事多警</translation>
    </message>
    <message>
        <source>Rule: revisit</source>
        <translation>规则：回访</translation>
    </message>
    <message>
        <source>d |h |m</source>
        <translation>天|小时|分</translation>
    </message>
    <message>
        <source>Sign</source>
        <translation>签收</translation>
    </message>
    <message>
        <source>Feedback</source>
        <translation>反馈</translation>
    </message>
    <message>
        <source>Revisit</source>
        <translation>回访</translation>
    </message>
    <message>
        <source>overdue</source>
        <translation>已逾期</translation>
    </message>
    <message>
        <source>{kind} due {due}</source>
        <translation>{kind}期限 {due}</translation>
    </message>
    <message>
        <source>(unassigned)</source>
        <translation>（未指派）</translation>
    </message>
</context>
<context>
    <name>TextDialog</name>
    <message>
        <source>%1 / %2 characters</source>
        <translation>%1 / %2 字</translation>
    </message>
    <message>
        <source>Too long: %1 characters, at most %2</source>
        <translation>太长：%1 个字，最多 %2 个字</translation>
    </message>
</context>
<context>
    <name>TimerTooltip</name>
    <message>
        <source>running</source>
        <translation>计时中</translation>
    </message>
    <message>
        <source>near the limit</source>
        <translation>临近时限</translation>
    </message>
    <message>
        <source>BREACHED</source>
        <translation>已超时</translation>
    </message>
    <message>
        <source>met</source>
        <translation>已达标</translation>
    </message>
    <message>
        <source>not applicable</source>
        <translation>不适用</translation>
    </message>
    <message>
        <source>%1: not applicable to this incident</source>
        <translation>%1：本警情不适用</translation>
    </message>
    <message>
        <source>%1 (%2), limit %3: %4; %5 since receipt</source>
        <translation>%1（%2），时限 %3：%4；接警后已过 %5</translation>
    </message>
</context>
<context>
    <name>UnitDialog</name>
    <message>
        <source>Add unit</source>
        <translation>新增警组</translation>
    </message>
    <message>
        <source>Edit unit %1</source>
        <translation>修改警组 %1</translation>
    </message>
    <message>
        <source>e.g. 巡06</source>
        <translation>如：巡06</translation>
    </message>
    <message>
        <source>(no post: home position kept)</source>
        <translation>（无驻点：保留原位置）</translation>
    </message>
    <message>
        <source>Standby car</source>
        <translation>备勤车</translation>
    </message>
    <message>
        <source>Kept for the standby shifts (备勤): planning patrol shifts never crews it, even before any standby shift has ridden it</source>
        <translation>留作备勤：排巡逻班时不派此车，即使尚无备勤班次用过它</translation>
    </message>
    <message>
        <source>Call sign</source>
        <translation>呼号</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Seats</source>
        <translation>座位数</translation>
    </message>
    <message>
        <source>Home post</source>
        <translation>驻点</translation>
    </message>
    <message>
        <source>Call sign: required</source>
        <translation>呼号：必填</translation>
    </message>
    <message>
        <source>Home post: the station has no posts yet; import them with the grids (grids import) first</source>
        <translation>驻点：本所尚无警务站点，请先随网格导入（grids import）</translation>
    </message>
</context>
<context>
    <name>UnitWords</name>
    <message>
        <source>available</source>
        <translation>空闲</translation>
    </message>
    <message>
        <source>dispatched</source>
        <translation>已派</translation>
    </message>
    <message>
        <source>en route</source>
        <translation>途中</translation>
    </message>
    <message>
        <source>on scene</source>
        <translation>到场</translation>
    </message>
    <message>
        <source>returning</source>
        <translation>返回</translation>
    </message>
    <message>
        <source>off duty</source>
        <translation>下勤</translation>
    </message>
    <message>
        <source>patrol car</source>
        <translation>巡逻车</translation>
    </message>
    <message>
        <source>foot patrol</source>
        <translation>步巡</translation>
    </message>
    <message>
        <source>motorbike</source>
        <translation>摩托</translation>
    </message>
    <message>
        <source>e-bike</source>
        <translation>电动车</translation>
    </message>
    <message>
        <source>drone</source>
        <translation>无人机</translation>
    </message>
</context>
<context>
    <name>UnitsDialog</name>
    <message>
        <source>Units</source>
        <translation>警组</translation>
    </message>
    <message>
        <source>Call sign</source>
        <translation>呼号</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Seats</source>
        <translation>座位</translation>
    </message>
    <message>
        <source>Home post</source>
        <translation>驻点</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Use</source>
        <translation>用途</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>新增…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>修改…</translation>
    </message>
    <message>
        <source>Take out of service</source>
        <translation>停用</translation>
    </message>
    <message>
        <source>Back in service</source>
        <translation>恢复使用</translation>
    </message>
    <message>
        <source>A unit out of service leaves the unit board, the dispatch suggestions and the patrol plan; incidents it attended keep its call sign.</source>
        <translation>停用的警组不再出现在警力看板、派警建议和巡逻部署中；它处置过的警情仍保留其呼号。</translation>
    </message>
    <message>
        <source>out of service</source>
        <translation>已停用</translation>
    </message>
    <message>
        <source>standby car</source>
        <translation>备勤车</translation>
    </message>
    <message>
        <source>patrol</source>
        <translation>巡逻</translation>
    </message>
    <message>
        <source>Unit %1 added; crew it from a shift (Assign)</source>
        <translation>已新增警组 %1；请在班次中为其编排乘员（安排）</translation>
    </message>
    <message>
        <source>%1 saved</source>
        <translation>%1 已保存</translation>
    </message>
    <message>
        <source>Take %1 out of service? Crews rostered in it on shifts not yet over stay on their shifts without a unit.</source>
        <translation>停用 %1？尚未结束的班次上编入该警组的人员仍在岗，但不再编入警组。</translation>
    </message>
    <message>
        <source>%1 is out of service</source>
        <translation>%1 已停用</translation>
    </message>
    <message numerus="yes">
        <source>; %n crew entry(ies) now without a unit</source>
        <translation>
            <numerusform>；%n 条排班改为未编组</numerusform>
        </translation>
    </message>
    <message>
        <source>; it has a post in the accepted patrol plan of %1: make a new plan (Patrol allocation)</source>
        <translation>；它在 %1 已采纳的巡逻布警方案中有点位：请重新生成方案（巡逻布警）</translation>
    </message>
    <message>
        <source>%1 is back in service, off duty at its post</source>
        <translation>%1 已恢复使用，在驻点下勤待命</translation>
    </message>
</context>
<context>
    <name>UnitsPanel</name>
    <message>
        <source>Keys: A available · R returning · X off duty · Enter shows its incident · P records a patrol · Shift+P lists them · M moves up as suggested · Ctrl+M to a point you choose · Shift+M sends back · V roll call: at its duty · Shift+V: not there</source>
        <translation>按键：A 空闲 · R 返程 · X 下岗 · Enter 显示其警情 · P 巡逻登记 · Shift+P 巡逻记录 · M 按建议补位 · Ctrl+M 选点补位 · Shift+M 归位 · V 点名在岗 · Shift+V 点名不在岗</translation>
    </message>
    <message>
        <source>No units yet: the station chief adds them under Roster ▸ Units…</source>
        <translation>暂无警组：由所长在“排班 ▸ 警组…”中添加</translation>
    </message>
    <message>
        <source>Select a unit first</source>
        <translation>请先选择警组</translation>
    </message>
    <message>
        <source>%1 is on no incident</source>
        <translation>%1 当前无警情</translation>
    </message>
    <message>
        <source>%1 is ordered to %2 already: the crew needs telling, there is no order to give</source>
        <translation>%1 已下达补位至 %2：只需通知该警组，无需再次下达</translation>
    </message>
    <message>
        <source>No move-up is suggested for %1</source>
        <translation>%1 当前没有补位建议</translation>
    </message>
    <message>
        <source>Your role may not call the roll</source>
        <translation>您的角色无权点名核实</translation>
    </message>
    <message>
        <source>%1 has no timed duty under way</source>
        <translation>%1 当前没有进行中的定时守点</translation>
    </message>
    <message>
        <source>Roll call: %1 at %2</source>
        <translation>点名核实：%1 在岗（%2）</translation>
    </message>
    <message>
        <source>Roll call: %1 not at %2</source>
        <translation>点名核实：%1 不在岗（%2）</translation>
    </message>
    <message>
        <source>Your role may not record patrols</source>
        <translation>您的角色不能登记巡逻</translation>
    </message>
    <message>
        <source>Patrol recorded: %1 %2–%3</source>
        <translation>已登记巡逻：%1 %2–%3</translation>
    </message>
</context>
<context>
    <name>Weekday</name>
    <message>
        <source>Mo</source>
        <translation>一</translation>
    </message>
    <message>
        <source>Tu</source>
        <translation>二</translation>
    </message>
    <message>
        <source>We</source>
        <translation>三</translation>
    </message>
    <message>
        <source>Th</source>
        <translation>四</translation>
    </message>
    <message>
        <source>Fr</source>
        <translation>五</translation>
    </message>
    <message>
        <source>Sa</source>
        <translation>六</translation>
    </message>
    <message>
        <source>Su</source>
        <translation>日</translation>
    </message>
</context>
<context>
    <name>WorkList</name>
    <message>
        <source>Number</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>期限</translation>
    </message>
    <message>
        <source>Left</source>
        <translation>剩余</translation>
    </message>
    <message>
        <source>Done / remarks</source>
        <translation>完成情况/备注</translation>
    </message>
    <message>
        <source>Grade</source>
        <translation>等级</translation>
    </message>
    <message>
        <source>Dispute</source>
        <translation>纠纷</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Revisit by</source>
        <translation>回访期限</translation>
    </message>
    <message>
        <source>None.</source>
        <translation>无。</translation>
    </message>
    <message>
        <source>overdue {t}</source>
        <translation>逾期 {t}</translation>
    </message>
    <message>
        <source>Daily work list</source>
        <translation>每日工作清单</translation>
    </message>
    <message>
        <source>{name} ({badge}) · {day} · printed {printed}</source>
        <translation>{name}（警号 {badge}）· {day} · 打印于 {printed}</translation>
    </message>
    <message>
        <source>Overdue {o} · due today {d} · revisits {r} · waiting for verification {v} · later {l}</source>
        <translation>逾期 {o} · 今日到期 {d} · 回访 {r} · 待核验 {v} · 以后到期 {l}</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>已逾期</translation>
    </message>
    <message>
        <source>Due today</source>
        <translation>今日到期</translation>
    </message>
    <message>
        <source>Dispute revisits</source>
        <translation>纠纷回访</translation>
    </message>
    <message>
        <source>Officer's signature: ________________    Checked by: ________________</source>
        <translation>民警签字：________________    审核人：________________</translation>
    </message>
</context>
<context>
    <name>WorkListDialog</name>
    <message>
        <source>Daily work list</source>
        <translation>每日工作清单</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>打印…</translation>
    </message>
    <message>
        <source>Save PDF…</source>
        <translation>保存 PDF…</translation>
    </message>
    <message>
        <source>Officer</source>
        <translation>民警</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>The station has no officers yet.</source>
        <translation>本所尚未录入民警。</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Save work list</source>
        <translation>保存工作清单</translation>
    </message>
    <message>
        <source>Could not save the work list to %1: %2</source>
        <translation>无法将工作清单保存到 %1：%2</translation>
    </message>
    <message>
        <source>Work list saved to {path}</source>
        <translation>工作清单已保存到 {path}</translation>
    </message>
</context>
<context>
    <name>ZoneDialog</name>
    <message>
        <source>New zone</source>
        <translation>新建区域</translation>
    </message>
    <message>
        <source>Zone %1</source>
        <translation>区域 %1</translation>
    </message>
    <message>
        <source>e.g. 五号巡区</source>
        <translation>例如：五号巡区</translation>
    </message>
    <message>
        <source>Patrol zone (巡区)</source>
        <translation>巡区</translation>
    </message>
    <message>
        <source>Key zone (重点区域)</source>
        <translation>重点区域</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Part of</source>
        <translation>所属巡区</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>面积</translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <source>The database cannot be opened:
%1</source>
        <translation>无法打开数据库：
%1</translation>
    </message>
</context>
<context>
    <name>argparse</name>
    <message>
        <source>usage: </source>
        <translation>用法：</translation>
    </message>
    <message>
        <source>positional arguments</source>
        <translation>位置参数</translation>
    </message>
    <message>
        <source>options</source>
        <translation>选项</translation>
    </message>
    <message>
        <source>show this help message and exit</source>
        <translation>显示本帮助并退出</translation>
    </message>
    <message>
        <source>%(prog)s: error: %(message)s
</source>
        <translation>%(prog)s：错误：%(message)s
</translation>
    </message>
    <message>
        <source>argument %(argument_name)s: %(message)s</source>
        <translation>参数 %(argument_name)s：%(message)s</translation>
    </message>
    <message>
        <source>unrecognized arguments: %s</source>
        <translation>无法识别的参数：%s</translation>
    </message>
    <message>
        <source>not allowed with argument %s</source>
        <translation>不能与参数 %s 同时使用</translation>
    </message>
    <message>
        <source>the following arguments are required: %s</source>
        <translation>缺少必需的参数：%s</translation>
    </message>
    <message>
        <source>one of the arguments %s is required</source>
        <translation>参数 %s 须给出其中之一</translation>
    </message>
    <message>
        <source>expected one argument</source>
        <translation>需要一个值</translation>
    </message>
    <message>
        <source>expected at most one argument</source>
        <translation>最多只能有一个值</translation>
    </message>
    <message>
        <source>expected at least one argument</source>
        <translation>至少需要一个值</translation>
    </message>
    <message>
        <source>invalid %(type)s value: %(value)r</source>
        <translation>%(type)s 类型的值无效：%(value)r</translation>
    </message>
    <message>
        <source>invalid choice: %(value)r (choose from %(choices)s)</source>
        <translation>无效的选项：%(value)r（可选：%(choices)s）</translation>
    </message>
    <message>
        <source>ambiguous option: %(option)s could match %(matches)s</source>
        <translation>选项不明确：%(option)s 可匹配 %(matches)s</translation>
    </message>
    <message>
        <source>ignored explicit argument %r</source>
        <translation>已忽略多余的参数值 %r</translation>
    </message>
</context>
<context>
    <name>error_text</name>
    <message>
        <source>English</source>
        <translation>简体中文</translation>
    </message>
</context>
<context>
    <name>panels</name>
    <message>
        <source>Incident board</source>
        <translation>警情看板</translation>
    </message>
    <message>
        <source>Unit status</source>
        <translation>警力状态</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>预警</translation>
    </message>
    <message>
        <source>Grid map</source>
        <translation>网格地图</translation>
    </message>
    <message>
        <source>Follow-up tasks</source>
        <translation>派单任务</translation>
    </message>
    <message>
        <source>Disputes</source>
        <translation>矛盾纠纷</translation>
    </message>
    <message>
        <source>Ledgers and exports</source>
        <translation>台账导出</translation>
    </message>
    <message>
        <source>Statistics</source>
        <translation>统计分析</translation>
    </message>
    <message>
        <source>Weekly bulletin</source>
        <translation>周通报</translation>
    </message>
    <message>
        <source>Roster</source>
        <translation>排班</translation>
    </message>
    <message>
        <source>Patrol allocation</source>
        <translation>巡逻布警</translation>
    </message>
</context>
<context>
    <name>repeats</name>
    <message>
        <source>Repeat caller</source>
        <translation>一人多警</translation>
    </message>
    <message>
        <source>Repeat place</source>
        <translation>一地多警</translation>
    </message>
    <message>
        <source>Repeat matter</source>
        <translation>一事多警</translation>
    </message>
    <message>
        <source>caller</source>
        <translation>一人</translation>
    </message>
    <message>
        <source>place</source>
        <translation>一地</translation>
    </message>
    <message>
        <source>matter</source>
        <translation>一事</translation>
    </message>
</context>
<context>
    <name>roles</name>
    <message>
        <source>Duty officer</source>
        <translation>值班民警</translation>
    </message>
    <message>
        <source>Station chief</source>
        <translation>所长</translation>
    </message>
    <message>
        <source>Clerk</source>
        <translation>内勤</translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <source>Branch viewer (read-only)</source>
        <translation>只读（分局）</translation>
    </message>
    <message>
        <source>Community officer</source>
        <translation>社区民警</translation>
    </message>
</context>
</TS>