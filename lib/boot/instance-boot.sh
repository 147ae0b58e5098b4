#!/bin/bash
# Boot script of every app instance (the stage-1/2 box and the stage-3 Auto Scaling group).
# The construct exports the settings below before this body; the script is idempotent, so a
# reboot or a re-run converges to the same state. Exits non-zero (logging the command that failed)
# when the app does not start, which fails the instance's CloudFormation signal where one is
# awaited. A step that can fail for a passing reason (an API call, IMDS, a database resuming) is
# retried; no command's empty answer ends the boot unnoticed.
#
# Always: STAGE AWS_REGION APP_PORT APP_PACKAGE_URL APP_START LOG_GROUP_APP LOG_GROUP_SYSTEM DB_MODE
# DB_MODE=local:   DATA_VOLUME_ID DATA_MOUNT            PostgreSQL on the data volume
# DB_MODE=managed: DB_SECRET_ARN                        Aurora, with the secret's credentials
#                  [DB_HOST]           endpoint instead of the secret's host (stage 5's second region:
#                                      its own cluster, which forwards writes to the primary)
#                  [DB_READER_HOST]    endpoint for reads that tolerate replica lag
#                  [DB_MIGRATE]        true (default): the app creates the schema; false: it waits for
#                                      the primary region's (Aurora does not forward DDL)
#                  [DB_WRITE_FORWARDING] true: DML through Aurora global write forwarding (default false)
#                  With DATA_VOLUME_ID too, the stage-1 database on the volume is copied into Aurora
#                  once (stage 1 -> 2)
# Optional:        CACHE_ENDPOINT (host:port) with CACHE_SECRET_ARN (AUTH token): Valkey over TLS
#                  QUEUE_URL: the SQS job queue
#                  HEALTH_CHECK=http (default: wait for /health/live; the single box, with a data
#                  volume, waits for /health too) or process (workers serve no HTTP)
#                  CFN_SIGNAL_STACK: the script signals the CreationPolicy of this instance's resource
#                  in that stack (the single box; its logical ID from the instance's
#                  aws:cloudformation:logical-id tag, or CFN_SIGNAL_RESOURCE): failure on any exit
#                  before the app is ready;
#                  success when ready, or when it must wait for the old box to release the volume
#                  (CloudFormation terminates it only after this signal, in its cleanup phase)
set -Eeuo pipefail

BOOT_LOG=/var/log/growth-stages-boot.log
ETC="${GROWTH_STAGES_ETC:-/etc/growth-stages}"
APP_DIR=/opt/growth-stages/app
APP_LOG_DIR=/var/log/growth-stages
PATH="$PATH:/opt/aws/bin"
# The local PostgreSQL of stages 1-2: its socket, as its superuser (peer authentication).
: "${LOCAL_PG_SOCKET:=/run/postgresql}" "${LOCAL_PG_PORT:=5432}" "${LOCAL_PG_USER:=postgres}"
# System paths, overridden by the tests only.
: "${EBS_DEVICE_DIR:=/dev/disk/by-id}" "${FSTAB:=/etc/fstab}" "${SYSTEMD_DIR:=/etc/systemd/system}" "${RDS_CA_DIR:=/etc/pki/rds}"

# Under `set -e` a failing command ends the script; say which one, in the boot log.
on_error() {
  echo "growth-stages boot [$(date -u +%FT%TZ)] FAILED (exit $1) at line $2: $3" >&2
}
trap 'on_error "$?" "$LINENO" "$BASH_COMMAND"' ERR

require() {
  local name
  for name in "$@"; do
    if [ -z "${!name:-}" ]; then
      echo "growth-stages boot: missing setting $name" >&2
      exit 1
    fi
  done
}

check_settings() {
  require STAGE AWS_REGION APP_PORT APP_PACKAGE_URL APP_START LOG_GROUP_APP LOG_GROUP_SYSTEM DB_MODE
  case "$DB_MODE" in
    local) require DATA_VOLUME_ID DATA_MOUNT ;;
    managed) require DB_SECRET_ARN ;;
    *) echo "growth-stages boot: invalid setting DB_MODE=$DB_MODE (local or managed)" >&2; exit 1 ;;
  esac
  case "${HEALTH_CHECK:=http}" in
    http | process) ;;
    *) echo "growth-stages boot: invalid setting HEALTH_CHECK=$HEALTH_CHECK (http or process)" >&2; exit 1 ;;
  esac
  local flag
  for flag in DB_MIGRATE DB_WRITE_FORWARDING; do
    case "${!flag:-}" in
      '' | true | false) ;;
      *) echo "growth-stages boot: invalid setting $flag=${!flag} (true or false)" >&2; exit 1 ;;
    esac
  done
  if [ -n "${CACHE_ENDPOINT:-}" ]; then require CACHE_SECRET_ARN; fi
}
log() { echo "growth-stages boot [$(date -u +%FT%TZ)] $*"; }

# Once per boot: the first call decides. Without CFN_SIGNAL_STACK (an Auto Scaling group
# signals through the exit trap CDK puts before this script) it does nothing. The logical ID is
# read from the tag CloudFormation puts on the instance: written into the user data, it would
# feed the hash that names the box and change with it.
signal_cloudformation() { # <exit code> <reason>
  if [ -z "${CFN_SIGNAL_STACK:-}" ] || [ -n "${CFN_SIGNALLED:-}" ]; then return 0; fi
  local resource=${CFN_SIGNAL_RESOURCE:-} instance_id
  # Up to 5 minutes for the tag (IAM is eventually consistent for a new role policy).
  if [ -z "$resource" ]; then
    if ! instance_id=$(retry 10 3 imds instance-id) || ! resource=$(retry 30 10 aws ec2 describe-tags --region "$AWS_REGION" \
      --filters "Name=resource-id,Values=$instance_id" "Name=key,Values=aws:cloudformation:logical-id" \
      --query 'Tags[0].Value' --output text) || [ -z "$resource" ] || [ "$resource" = None ]; then
      log "could not read this instance's aws:cloudformation:logical-id tag: no signal (the stack waits for its timeout)"
      return 0
    fi
  fi
  log "signalling $resource: exit $1 ($2)"
  # Signalled only once it is delivered: a later call (the exit trap) tries again otherwise.
  if retry 5 5 cfn-signal -e "$1" --reason "$2" --stack "$CFN_SIGNAL_STACK" --resource "$resource" --region "$AWS_REGION"; then
    CFN_SIGNALLED=1
  else
    log "could not signal CloudFormation"
  fi
}

imds() {
  local token
  token=$(curl -fsS --max-time 5 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' http://169.254.169.254/latest/api/token) || return 1
  curl -fsS --max-time 5 -H "X-aws-ec2-metadata-token: $token" "http://169.254.169.254/latest/meta-data/$1"
}

retry() { # retry <attempts> <delay-seconds> <command...>
  local attempts=$1 delay=$2 i
  shift 2
  for ((i = 1; i <= attempts; i++)); do
    "$@" && return 0
    if ((i < attempts)); then sleep "$delay"; fi
  done
  return 1
}

install_packages() {
  local packages=(nodejs20 amazon-cloudwatch-agent jq unzip postgresql15)
  if [ -n "${DATA_VOLUME_ID:-}" ]; then packages+=(postgresql15-server); fi
  retry 5 10 dnf install -y -q "${packages[@]}"
  mkdir -p /opt/growth-stages/bin
  local node
  node=$(command -v node-20 || command -v node) || { log "no node binary after installing nodejs20"; exit 1; }
  ln -sf "$node" /opt/growth-stages/bin/node
}

configure_cloudwatch_agent() {
  local disks='"/"'
  if [ -n "${DATA_MOUNT:-}" ]; then disks="$disks, \"$DATA_MOUNT\""; fi
  mkdir -p "$APP_LOG_DIR"
  cat > /opt/aws/amazon-cloudwatch-agent/etc/growth-stages.json <<JSON
{
  "metrics": {
    "namespace": "CWAgent",
    "append_dimensions": { "InstanceId": "\${aws:InstanceId}", "AutoScalingGroupName": "\${aws:AutoScalingGroupName}" },
    "aggregation_dimensions": [["InstanceId"], ["InstanceId", "path"], ["AutoScalingGroupName"]],
    "metrics_collected": {
      "mem": { "measurement": ["mem_used_percent"], "metrics_collection_interval": 60 },
      "disk": { "measurement": ["used_percent"], "resources": [$disks], "drop_device": true, "metrics_collection_interval": 60 }
    }
  },
  "logs": {
    "logs_collected": {
      "files": {
        "collect_list": [
          { "file_path": "/var/log/messages", "log_group_name": "$LOG_GROUP_SYSTEM", "log_stream_name": "{instance_id}/messages" },
          { "file_path": "$BOOT_LOG", "log_group_name": "$LOG_GROUP_SYSTEM", "log_stream_name": "{instance_id}/boot" },
          { "file_path": "$APP_LOG_DIR/app.log", "log_group_name": "$LOG_GROUP_APP", "log_stream_name": "{instance_id}" }
        ]
      }
    }
  }
}
JSON
  # Logs and memory/disk metrics help but do not serve: an agent that will not start is logged
  # here (the boot log stays on the instance) and the app starts anyway.
  retry 3 5 /opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s \
    -c file:/opt/aws/amazon-cloudwatch-agent/etc/growth-stages.json \
    || log "WARNING: the CloudWatch agent did not start; no logs or memory/disk metrics from this instance"
}

# The volume is attached here rather than by CloudFormation so that a replacement instance takes
# it over: it waits until the old instance has been terminated and the volume is free.
attach_data_volume() {
  local instance_id state attached_to answer
  instance_id=$(retry 10 3 imds instance-id) || { log "no instance ID from IMDS"; exit 1; }
  local device="$EBS_DEVICE_DIR/nvme-Amazon_Elastic_Block_Store_${DATA_VOLUME_ID/-/}"
  # Up to 30 minutes: the old instance is terminated only in CloudFormation's cleanup phase.
  for _ in $(seq 1 180); do
    # A call that fails or prints nothing (throttling, a network blip) means "ask again"; under
    # `set -e` a bare `read < <(aws ...)` of nothing ended the boot here.
    state=unknown attached_to=''
    if answer=$(aws ec2 describe-volumes --region "$AWS_REGION" --volume-ids "$DATA_VOLUME_ID" \
      --query 'Volumes[0].[State, Attachments[0].InstanceId]' --output text) && [ -n "$answer" ]; then
      read -r state attached_to <<<"$answer" || true
    else
      log "could not describe data volume $DATA_VOLUME_ID; asking again"
    fi
    if [ "$attached_to" = "$instance_id" ]; then break; fi
    case "$state" in
      available)
        aws ec2 attach-volume --region "$AWS_REGION" --volume-id "$DATA_VOLUME_ID" --instance-id "$instance_id" --device /dev/sdf >/dev/null \
          || log "attach-volume failed; trying again" ;;
      in-use)
        # The old box holds it until CloudFormation's cleanup, which waits for this signal.
        signal_cloudformation 0 "waiting for data volume $DATA_VOLUME_ID, held by $attached_to until the stack update's cleanup"
        log "data volume is in use by $attached_to; waiting for it to be released" ;;
      *) log "data volume is $state; waiting" ;;
    esac
    sleep 10
  done
  if [ "$attached_to" != "$instance_id" ]; then log "data volume $DATA_VOLUME_ID was not attached within 30 minutes"; exit 1; fi
  retry 30 2 test -e "$device" || { log "data volume $DATA_VOLUME_ID did not appear as $device"; exit 1; }
  # blkid exits 2 when the device holds no file system (a new volume); any other failure stops
  # the boot rather than format (mkfs.xfs refuses an existing file system anyway).
  local probe=0
  blkid "$device" >/dev/null || probe=$?
  case "$probe" in
    0) ;;
    2) mkfs.xfs -q "$device" ;;
    *) log "blkid failed on $device (exit $probe)"; exit 1 ;;
  esac
  mkdir -p "$DATA_MOUNT"
  local uuid
  uuid=$(blkid -s UUID -o value "$device")
  [ -n "$uuid" ] || { log "no file system UUID on $device"; exit 1; }
  # nofail: a volume missing at boot must not drop the instance into emergency mode (no network,
  # no Session Manager). PostgreSQL's RequiresMountsFor (below) keeps it off the empty directory.
  grep -qs "^UUID=$uuid " "$FSTAB" || echo "UUID=$uuid $DATA_MOUNT xfs defaults,nofail 0 2" >> "$FSTAB"
  systemctl daemon-reload
  mountpoint -q "$DATA_MOUNT" || mount "$DATA_MOUNT"
}

start_local_postgres() {
  local data="$DATA_MOUNT/data"
  chown postgres:postgres "$DATA_MOUNT"
  if [ ! -f "$data/PG_VERSION" ]; then
    log "initialising PostgreSQL on the data volume"
    runuser -u postgres -- initdb -D "$data" --auth-local=peer --auth-host=scram-sha-256 >/dev/null
    echo "listen_addresses = 'localhost'" >> "$data/postgresql.conf"
  fi
  # After a reboot the volume's mount (nofail) may come after PostgreSQL would start: it must
  # wait for the mount, and not start at all without it, never on the root volume's directory.
  mkdir -p "$SYSTEMD_DIR/postgresql.service.d"
  printf '[Unit]\nRequiresMountsFor=%s\n\n[Service]\nEnvironment=PGDATA=%s\n' "$DATA_MOUNT" "$data" \
    > "$SYSTEMD_DIR/postgresql.service.d/data.conf"
  systemctl daemon-reload
  systemctl enable --now postgresql
}

# A query to the local PostgreSQL as its superuser; its output, or a failure.
local_sql() {
  runuser -u postgres -- psql -qAt -c "$1"
}

# Local mode: the app's role and database, with a password kept on the data volume so that a
# replacement instance finds the same one.
write_local_settings() {
  local secret="$DATA_MOUNT/app-password"
  [ -f "$secret" ] || (umask 077 && openssl rand -hex 24 > "$secret")
  local password exists
  password=$(cat "$secret")
  # Asked until PostgreSQL answers: a failed question is not "no such role".
  exists=$(retry 10 3 local_sql "SELECT 1 FROM pg_roles WHERE rolname = 'app'")
  if [ "$exists" != 1 ]; then local_sql "CREATE ROLE app LOGIN PASSWORD '$password'" >/dev/null; fi
  exists=$(retry 10 3 local_sql "SELECT 1 FROM pg_database WHERE datname = 'app'")
  if [ "$exists" != 1 ]; then runuser -u postgres -- createdb -O app app; fi
  write_env PGHOST=127.0.0.1 PGPORT=5432 PGDATABASE=app PGUSER=app "PGPASSWORD=$password" PGSSLMODE=disable
}

# One key of the database secret (in `secret`, the caller's); fails, naming it, when absent.
secret_field() {
  jq -er --arg key "$1" '.[$key] | select(. != null and . != "") | tostring' <<<"$secret" 2>/dev/null \
    || { echo "growth-stages boot: the database secret $DB_SECRET_ARN has no $1" >&2; return 1; }
}

write_managed_settings() {
  mkdir -p "$RDS_CA_DIR"
  retry 10 5 curl -fsS -o "$RDS_CA_DIR/global-bundle.pem" https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem
  local secret host port dbname username password
  secret=$(retry 10 5 aws secretsmanager get-secret-value --region "$AWS_REGION" --secret-id "$DB_SECRET_ARN" \
    --query SecretString --output text)
  # DB_HOST: the region's own cluster (stage 5's second region); else the secret's host.
  if [ -n "${DB_HOST:-}" ]; then host=$DB_HOST; else host=$(secret_field host); fi
  port=$(secret_field port)
  dbname=$(secret_field dbname)
  username=$(secret_field username)
  password=$(secret_field password)
  write_env "PGHOST=$host" "PGPORT=$port" "PGDATABASE=$dbname" "PGUSER=$username" "PGPASSWORD=$password" \
    PGSSLMODE=verify-full "PGSSLROOTCERT=$RDS_CA_DIR/global-bundle.pem" ${DB_READER_HOST:+"PGREADERHOST=$DB_READER_HOST"} \
    "DB_MIGRATE=${DB_MIGRATE:-true}" "DB_WRITE_FORWARDING=${DB_WRITE_FORWARDING:-false}"
}

# KEY=value pairs, single-quoted: read by systemd (EnvironmentFile) and by `.` in the copy below.
# Generated database passwords exclude quotes, so single quotes need no escaping.
write_env() {
  mkdir -p "$ETC"
  local pair extra=()
  if [ -n "${QUEUE_URL:-}" ]; then extra+=("QUEUE_URL=$QUEUE_URL"); fi
  if [ -n "${CACHE_ENDPOINT:-}" ]; then
    local token
    token=$(retry 10 5 aws secretsmanager get-secret-value --region "$AWS_REGION" --secret-id "$CACHE_SECRET_ARN" \
      --query SecretString --output text)
    extra+=("CACHE_URL=rediss://:$token@$CACHE_ENDPOINT")
  fi
  (umask 077 && for pair in "$@" "${extra[@]}" "APP_PORT=$APP_PORT" "STAGE=$STAGE"; do
    printf "%s='%s'\n" "${pair%%=*}" "${pair#*=}"
  done > "$ETC/app.env")
}

# Stage 1 -> 2: copies the database on the volume into Aurora, once. The old box was terminated
# (PostgreSQL shut down cleanly) before this instance could attach the volume, so every committed
# write is in the copy. Refuses to overwrite an Aurora database that already holds tables.
# The managed database's settings (app.env), in a subshell: the commands of the copy that talk to
# the local PostgreSQL must not see them.
managed() {
  (
    set -a
    # shellcheck disable=SC1091
    . "$ETC/app.env"
    set +a
    "$@"
  )
}

copy_local_database_to_managed() {
  # Asked until Aurora answers (it may be resuming from 0 ACU): an unanswered question must not
  # read as "not copied yet", which would refuse (tables, no marker) or copy twice.
  local marker tables
  marker=$(retry 30 10 managed psql -X -qAt -c "SELECT to_regclass('growth_stages.migration') IS NOT NULL")
  if [ "$marker" = t ]; then
    marker=$(retry 30 10 managed psql -X -qAt -c "SELECT count(*) > 0 FROM growth_stages.migration")
  fi
  if [ "$marker" = t ]; then
    log "the stage-1 database was already copied into Aurora"
  else
    tables=$(retry 30 10 managed psql -X -qAt -c "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
    if [ "$tables" != 0 ]; then
      log "Aurora already holds $tables tables but no copy marker: refusing to overwrite; see docs/migrations/1-to-2.md"
      exit 1
    fi
    local dump="$DATA_MOUNT/migration/app.dump"
    mkdir -p "$(dirname "$dump")" && chown postgres "$(dirname "$dump")"
    log "copying the stage-1 database into Aurora"
    runuser -u postgres -- pg_dump -h "$LOCAL_PG_SOCKET" -p "$LOCAL_PG_PORT" -U "$LOCAL_PG_USER" -d app -Fc -f "$dump"
    runuser -u postgres -- pg_restore --no-owner --no-privileges -f "$dump.sql" "$dump"
    # One transaction for the data and the marker: a copy cut short (the instance lost mid-way)
    # leaves Aurora empty, and the next boot copies again instead of refusing.
    managed psql -X -q -v ON_ERROR_STOP=1 --single-transaction -f "$dump.sql" -c "
CREATE SCHEMA IF NOT EXISTS growth_stages;
CREATE TABLE IF NOT EXISTS growth_stages.migration (source text NOT NULL, bytes bigint NOT NULL, copied_at timestamptz NOT NULL DEFAULT now());
INSERT INTO growth_stages.migration (source, bytes) VALUES ('$DATA_VOLUME_ID', $(stat -c %s "$dump"));"
    log "copy done: $(stat -c %s "$dump") bytes"
  fi
  systemctl disable --now postgresql
}

install_app() {
  id app >/dev/null 2>&1 || useradd --system --no-create-home --shell /sbin/nologin app
  local package=/tmp/app-package.zip
  retry 10 5 aws s3 cp --region "$AWS_REGION" --only-show-errors "$APP_PACKAGE_URL" "$package"
  rm -rf "$APP_DIR.new" && mkdir -p "$APP_DIR.new" && unzip -q "$package" -d "$APP_DIR.new"
  rm -rf "$APP_DIR" && mv "$APP_DIR.new" "$APP_DIR"
  chown app "$APP_LOG_DIR"
  # With the local database: started after PostgreSQL, but not bound to it. The app answers
  # liveness and reports the database in readiness, and retries until its schema is there.
  local wants=network-online.target after=network-online.target
  if [ "$DB_MODE" = local ]; then wants="$wants postgresql.service" after="$after postgresql.service"; fi
  cat > "$SYSTEMD_DIR/growth-stages-app.service" <<UNIT
[Unit]
Description=growth-stages app
Wants=$wants
After=$after

[Service]
User=app
WorkingDirectory=$APP_DIR
EnvironmentFile=$ETC/app.env
Environment=PATH=/opt/growth-stages/bin:/usr/bin:/bin
ExecStart=/bin/bash -c 'exec $APP_START'
AmbientCapabilities=CAP_NET_BIND_SERVICE
NoNewPrivileges=true
ProtectSystem=strict
ProtectHome=true
PrivateTmp=true
ReadWritePaths=$APP_LOG_DIR
StandardOutput=append:$APP_LOG_DIR/app.log
StandardError=append:$APP_LOG_DIR/app.log
Restart=always
RestartSec=2

[Install]
WantedBy=multi-user.target
UNIT
  systemctl daemon-reload
  systemctl enable growth-stages-app
  systemctl restart growth-stages-app
}

wait_until_healthy() {
  if [ "$HEALTH_CHECK" = process ]; then
    sleep 10
    systemctl is-active --quiet growth-stages-app || { log "app process NOT running: $(systemctl status growth-stages-app | tail -5)"; exit 1; }
    log "app process running"
    return 0
  fi
  local base="http://127.0.0.1:$APP_PORT"
  if ! retry 60 3 curl -fsS --max-time 5 -o /dev/null "$base/health/live"; then
    log "app NOT live after 180 s: $(curl -sS --max-time 5 "$base/health/live" 2>&1 || true)"
    exit 1
  fi
  log "app live on port $APP_PORT"
  # An Auto Scaling instance succeeds on liveness, as the load balancer and the group judge it:
  # a database or cache failover during a scale-out must not fail the group's signal. The single
  # box (a data volume: stages 1-2 and the 1 -> 2 copy) is the whole site and has no fleet to
  # fall back on: it succeeds only when ready, database and schema included.
  if [ -z "${DATA_VOLUME_ID:-}" ]; then
    log "app readiness: $(curl -sS --max-time 10 "$base/health" 2>&1 || true)"
  elif retry 60 3 curl -fsS --max-time 10 -o /dev/null "$base/health"; then
    log "app ready on port $APP_PORT"
  else
    log "app NOT ready after 180 s: $(curl -sS --max-time 10 "$base/health" 2>&1 || true)"
    exit 1
  fi
}

main() {
  check_settings
  exec > >(tee -a "$BOOT_LOG") 2>&1
  if [ -n "${CFN_SIGNAL_STACK:-}" ]; then
    trap 'signal_cloudformation "$?" "boot exited; see $LOG_GROUP_SYSTEM, stream {instance}/boot"' EXIT
  fi
  log "boot of stage $STAGE ($DB_MODE database)"
  install_packages
  configure_cloudwatch_agent
  if [ -n "${DATA_VOLUME_ID:-}" ]; then
    attach_data_volume
    start_local_postgres
  fi
  if [ "$DB_MODE" = local ]; then
    write_local_settings
  else
    write_managed_settings
    if [ -n "${DATA_VOLUME_ID:-}" ]; then copy_local_database_to_managed; fi
  fi
  install_app
  wait_until_healthy
  signal_cloudformation 0 "app ready"
}

# Tests source this file for its functions.
if [ "${BOOT_FUNCTIONS_ONLY:-}" != 1 ]; then main; fi
