# RHEL's prompt: [root@server ~]#
if [ -n "${BASH_VERSION-}" ] && [ -n "${PS1-}" ]; then
  PS1='[\u@\h \W]\$ '
fi
