# Null-client check, step 2 of 5, on the hidden grader: is desktop's port 25 closed to other hosts while
# postfix on desktop still runs and greets on its loopback interface?
state=${MAILLAB_FACT_desktop_postfix:-unknown}
ii=${MAILLAB_FACT_inet_interfaces:-}
listen=${MAILLAB_FACT_listen25:-}
banner=${MAILLAB_FACT_loopback_banner:-}

# "connected: <greeting>" when the port is open, else bash's error ("Connection refused") or nothing (timeout).
reply=$(timeout 4 bash -c 'exec 3<>/dev/tcp/desktop.example.com/25 || exit 1
  IFS= read -r -t 3 line <&3; echo "connected: $line"' 2>&1 | tr -d '\r' | tail -n1)
case $reply in
  *connected:*) outside="grader connected to desktop.example.com:25 (${reply#*connected: })" ;;
  *refused*) outside="grader's connection to desktop.example.com:25 was refused" ;;
  "") outside="grader's connection to desktop.example.com:25 timed out" ;;
  *) outside="grader could not connect to desktop.example.com:25 (${reply##*: })" ;;
esac

# Listening anywhere but 127.0.0.0/8 means other hosts can reach it, even if a firewall hides it now.
public=""
for addr in $listen; do [[ $addr == 127.* ]] || public+="$addr "; done

if [ "$state" != active ]; then
  fail loopback-only "$outside, but only because postfix on desktop is not running ($state)." \
    "A null client still runs postfix: programs on desktop hand it mail on 127.0.0.1. Start and enable postfix on desktop."
elif [[ $reply == *connected:* || -n $public ]]; then
  if [[ $ii == loopback-only || $ii == localhost || $ii == 127.0.0.1 ]]; then
    fail loopback-only "$outside; postfix listens on ${listen:-?} although postconf -h inet_interfaces says '$ii'." \
      "main.cf is right but the running master process still has its old sockets: inet_interfaces is only read when postfix starts, so a reload is not enough — restart postfix."
  else
    fail loopback-only "$outside; postfix listens on ${listen:-?} (inet_interfaces = $ii)." \
      "A send-only host must not accept connections from other hosts: make postfix listen on the loopback interface only (inet_interfaces), then restart postfix (a reload does not re-open sockets)."
  fi
elif [[ $banner != 220* ]]; then
  fail loopback-only "$outside, but nothing greets on desktop's 127.0.0.1:25 either (listening: ${listen:-nothing})." \
    "Do not switch SMTP off: local programs submit mail on 127.0.0.1:25. Keep postfix listening, on the loopback interface only."
else
  pass loopback-only "$outside; on desktop, 127.0.0.1:25 answers '${banner:0:60}' (listening on $listen)."
fi
