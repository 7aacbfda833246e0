%% Restart latency of Erlang/OTP's own supervisor, measured the same way as
%% bench/supervision_restart_bench.cpp measures autotrader's:
%%   latency = from the moment a child crashes (timestamp taken in the child, right before it
%%   exits abnormally) to the moment its replacement handles its first message.
%% The crash timestamp goes through a public ETS table rather than a message, so that waking
%% the bench process is not part of the measured path (the C++ program uses an atomic).
%% A one_for_one supervisor with an intensity high enough never to give up, one gen_server
%% child. Supervisor reports go to a log file (logging on, as in the autotrader figure), or are
%% switched off with the `nolog` argument.
%%
%% Run: erl -noshell -pa DIR -run restart_bench main N LOGFILE|nolog SUSTAIN_MS
-module(restart_bench).
-behaviour(supervisor).
-export([main/1, init/1, start_child/1]).
-export([child_init/1, child_loop/1]).

main([NStr, LogArg, SustainStr]) ->
    N = list_to_integer(NStr),
    SustainMs = list_to_integer(SustainStr),
    configure_logging(LogArg),
    process_flag(trap_exit, true),
    ets:new(restart_bench, [named_table, public, set]),
    Bench = self(),
    {ok, Sup} = supervisor:start_link(?MODULE, Bench),
    First = wait_ready(),
    {Latencies, Child} = crash_loop(N, First, []),
    Sorted = lists:sort(Latencies),
    {Count, Child2} = sustain(SustainMs, Child),
    io:format("otp_restart_latency_ns p50=~b p99=~b mean=~b n=~b~n",
              [pct(Sorted, 0.50), pct(Sorted, 0.99), lists:sum(Sorted) div N, N]),
    io:format("otp_sustained_restarts_per_second ~b (~b restarts in ~b ms)~n",
              [Count * 1000 div SustainMs, Count, SustainMs]),
    unlink(Child2),
    exit(Sup, shutdown),
    halt(0).

configure_logging("nolog") ->
    logger:set_primary_config(level, none);
configure_logging(File) ->
    ok = logger:remove_handler(default),
    ok = logger:add_handler(file_log, logger_std_h,
                            #{config => #{file => File}, level => all}),
    logger:set_primary_config(level, info).

init(Bench) ->
    Flags = #{strategy => one_for_one, intensity => 100000000, period => 1},
    Child = #{id => worker, start => {?MODULE, start_child, [Bench]},
              restart => permanent, shutdown => 5000, type => worker},
    {ok, {Flags, [Child]}}.

%% A plain proc_lib child (as light as an event-based CAF actor): on start it sends itself a
%% first message; handling it reports the timestamp to the bench process.
start_child(Bench) ->
    proc_lib:start_link(?MODULE, child_init, [Bench]).

child_init(Bench) ->
    proc_lib:init_ack({ok, self()}),
    self() ! first,
    child_loop(Bench).

child_loop(Bench) ->
    receive
        first ->
            Bench ! {ready, self(), erlang:monotonic_time(nanosecond)},
            child_loop(Bench);
        crash ->
            ets:insert(restart_bench, {t0, erlang:monotonic_time(nanosecond)}),
            exit(injected_crash)
    end.

wait_ready() ->
    receive {ready, Pid, _T} -> Pid after 5000 -> error(no_child) end.

crash_loop(0, Child, Acc) -> {Acc, Child};
crash_loop(N, Child, Acc) ->
    Child ! crash,
    receive
        {ready, Pid, T1} ->
            [{t0, T0}] = ets:lookup(restart_bench, t0),
            crash_loop(N - 1, Pid, [T1 - T0 | Acc])
    after 5000 -> error(no_restart)
    end.

sustain(Ms, Child) ->
    Deadline = erlang:monotonic_time(millisecond) + Ms,
    sustain(Deadline, Child, 0).
sustain(Deadline, Child, Count) ->
    case erlang:monotonic_time(millisecond) >= Deadline of
        true -> {Count, Child};
        false ->
            Child ! crash,
            receive {ready, Pid, _} -> sustain(Deadline, Pid, Count + 1) end
    end.

pct(Sorted, P) ->
    Index = max(1, min(length(Sorted), round(P * length(Sorted)))),
    lists:nth(Index, Sorted).
