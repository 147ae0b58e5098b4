#!/bin/bash
# Boot script of every app instance (the stage-1/2 box and the stage-3 Auto Scaling group).
# The construct exports the settings below before this body; the script is idempotent, so a
# reboot or a re-run converges to the same state. Exits non-zero when the app does not become
# healthy, which fails the instance's CloudFormation signal where one is awaited.
#
# Always: STAGE AWS_REGION APP_PORT APP_PACKAGE_URL APP_START LOG_GROUP_APP LOG_GROUP_SYSTEM DB_MODE
# DB_MODE=local:   DATA_VOLUME_ID DATA_MOUNT            PostgreSQL on the data volume
# DB_MODE=managed: DB_SECRET_ARN [DB_GLOBAL_CLUSTER] [DB_READER_HOST]  Aurora; with DATA_VOLUME_ID too, the
#                  stage-1 database on the volume is copied into Aurora once (stage 1 -> 2)
# Optional:        CACHE_ENDPOINT (host:port) with CACHE_SECRET_ARN (AUTH token): Valkey over TLS
#                  QUEUE_URL: the SQS job queue
#                  HEALTH_CHECK=http (default: wait for /health) or process (workers serve no HTTP)
set -euo pipefail

BOOT_LOG=/var/log/growth-stages-boot.log
ETC="${GROWTH_STAGES_ETC:-/etc/growth-stages}"
APP_DIR=/opt/growth-stages/app
APP_LOG_DIR=/var/log/growth-stages
# The local PostgreSQL of stages 1-2: its socket, as its superuser (peer authentication).
: "${LOCAL_PG_SOCKET:=/run/postgresql}" "${LOCAL_PG_PORT:=5432}" "${LOCAL_PG_USER:=postgres}"

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
  if [ -n "${CACHE_ENDPOINT:-}" ]; then require CACHE_SECRET_ARN; fi
}
log() { echo "growth-stages boot [$(date -u +%FT%TZ)] $*"; }

imds() {
  local token
  token=$(curl -fsS -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' http://169.254.169.254/latest/api/token)
  curl -fsS -H "X-aws-ec2-metadata-token: $token" "http://169.254.169.254/latest/meta-data/$1"
}

retry() { # retry <attempts> <delay-seconds> <command...>
  local attempts=$1 delay=$2 i
  shift 2
  for ((i = 1; i <= attempts; i++)); do
    "$@" && return 0
    sleep "$delay"
  done
  return 1
}

install_packages() {
  local packages=(nodejs20 amazon-cloudwatch-agent jq unzip postgresql15)
  if [ -n "${DATA_VOLUME_ID:-}" ]; then packages+=(postgresql15-server); fi
  retry 5 10 dnf install -y -q "${packages[@]}"
  mkdir -p /opt/growth-stages/bin
  ln -sf "$(command -v node-20 || command -v node)" /opt/growth-stages/bin/node
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
  /opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s \
    -c file:/opt/aws/amazon-cloudwatch-agent/etc/growth-stages.json
}

# The volume is attached here rather than by CloudFormation so that a replacement instance takes
# it over: it waits until the old instance has been terminated and the volume is free.
attach_data_volume() {
  local instance_id state attached_to device
  instance_id=$(imds instance-id)
  device="/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_${DATA_VOLUME_ID/-/}"
  # Up to 30 minutes: the old instance is terminated only in CloudFormation's cleanup phase.
  for _ in $(seq 1 180); do
    read -r state attached_to < <(aws ec2 describe-volumes --region "$AWS_REGION" --volume-ids "$DATA_VOLUME_ID" \
      --query 'Volumes[0].[State, Attachments[0].InstanceId]' --output text)
    if [ "$attached_to" = "$instance_id" ]; then break; fi
    if [ "$state" = available ]; then
      aws ec2 attach-volume --region "$AWS_REGION" --volume-id "$DATA_VOLUME_ID" --instance-id "$instance_id" --device /dev/sdf >/dev/null || true
    else
      log "data volume is $state on $attached_to; waiting for it to be released"
    fi
    sleep 10
  done
  retry 30 2 test -e "$device" || { log "data volume $DATA_VOLUME_ID did not attach"; exit 1; }
  blkid "$device" >/dev/null || mkfs.xfs -q "$device"
  mkdir -p "$DATA_MOUNT"
  local uuid
  uuid=$(blkid -s UUID -o value "$device")
  grep -q "$uuid" /etc/fstab || echo "UUID=$uuid $DATA_MOUNT xfs defaults,nofail 0 2" >> /etc/fstab
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
  mkdir -p /etc/systemd/system/postgresql.service.d
  printf '[Service]\nEnvironment=PGDATA=%s\n' "$data" > /etc/systemd/system/postgresql.service.d/data.conf
  systemctl daemon-reload
  systemctl enable --now postgresql
}

# Local mode: the app's role and database, with a password kept on the data volume so that a
# replacement instance finds the same one.
write_local_settings() {
  local secret="$DATA_MOUNT/app-password"
  [ -f "$secret" ] || (umask 077 && openssl rand -hex 24 > "$secret")
  local password
  password=$(cat "$secret")
  runuser -u postgres -- psql -qAt -c "SELECT 1 FROM pg_roles WHERE rolname = 'app'" | grep -q 1 \
    || runuser -u postgres -- psql -q -c "CREATE ROLE app LOGIN PASSWORD '$password'"
  runuser -u postgres -- psql -qAt -c "SELECT 1 FROM pg_database WHERE datname = 'app'" | grep -q 1 \
    || runuser -u postgres -- createdb -O app app
  write_env PGHOST=127.0.0.1 PGPORT=5432 PGDATABASE=app PGUSER=app "PGPASSWORD=$password" PGSSLMODE=disable
}

write_managed_settings() {
  mkdir -p /etc/pki/rds
  retry 10 5 curl -fsS -o /etc/pki/rds/global-bundle.pem https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem
  local secret
  secret=$(retry 10 5 aws secretsmanager get-secret-value --region "$AWS_REGION" --secret-id "$DB_SECRET_ARN" \
    --query SecretString --output text)
  # A global database (stage 5): its writer endpoint, which follows switchovers and failovers,
  # instead of the host in the secret (the stage-2 cluster's, or in a replica another region's).
  local host
  if [ -n "${DB_GLOBAL_CLUSTER:-}" ]; then
    host=$(retry 10 5 aws rds describe-global-clusters --region "$AWS_REGION" --global-cluster-identifier "$DB_GLOBAL_CLUSTER" \
      --query 'GlobalClusters[0].Endpoint' --output text)
  else
    host=$(jq -r .host <<<"$secret")
  fi
  write_env "PGHOST=$host" "PGPORT=$(jq -r .port <<<"$secret")" \
    "PGDATABASE=$(jq -r .dbname <<<"$secret")" "PGUSER=$(jq -r .username <<<"$secret")" \
    "PGPASSWORD=$(jq -r .password <<<"$secret")" PGSSLMODE=verify-full \
    PGSSLROOTCERT=/etc/pki/rds/global-bundle.pem ${DB_READER_HOST:+"PGREADERHOST=$DB_READER_HOST"}
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
  if managed psql -qAt -c "SELECT 1 FROM growth_stages.migration LIMIT 1" 2>/dev/null | grep -q 1; then
    log "the stage-1 database was already copied into Aurora"
  else
    local tables
    tables=$(managed psql -qAt -c "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
    if [ "$tables" != 0 ]; then
      log "Aurora already holds $tables tables but no copy marker: refusing to overwrite; see docs/migrations/1-to-2.md"
      exit 1
    fi
    local dump="$DATA_MOUNT/migration/app.dump"
    mkdir -p "$(dirname "$dump")" && chown postgres "$(dirname "$dump")"
    log "copying the stage-1 database into Aurora"
    runuser -u postgres -- pg_dump -h "$LOCAL_PG_SOCKET" -p "$LOCAL_PG_PORT" -U "$LOCAL_PG_USER" -d app -Fc -f "$dump"
    # shellcheck disable=SC2016 # expanded by the inner shell, which has the managed settings
    managed bash -c 'pg_restore --no-owner --no-privileges --exit-on-error -d "$PGDATABASE" "$0"' "$dump"
    managed psql -q -v ON_ERROR_STOP=1 <<SQL
CREATE SCHEMA IF NOT EXISTS growth_stages;
CREATE TABLE IF NOT EXISTS growth_stages.migration (source text NOT NULL, bytes bigint NOT NULL, copied_at timestamptz NOT NULL DEFAULT now());
INSERT INTO growth_stages.migration (source, bytes) VALUES ('$DATA_VOLUME_ID', $(stat -c %s "$dump"));
SQL
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
  local after=network-online.target
  if [ "$DB_MODE" = local ]; then after="$after postgresql.service"; fi
  cat > /etc/systemd/system/growth-stages-app.service <<UNIT
[Unit]
Description=growth-stages app
Wants=network-online.target
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
    return
  fi
  if retry 60 3 curl -fsS -o /dev/null "http://127.0.0.1:$APP_PORT/health"; then
    log "app healthy on port $APP_PORT"
  else
    log "app NOT healthy after 180 s: $(curl -sS "http://127.0.0.1:$APP_PORT/health" || true)"
    exit 1
  fi
}

main() {
  check_settings
  exec > >(tee -a "$BOOT_LOG") 2>&1
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
}

# Tests source this file for its functions.
if [ "${BOOT_FUNCTIONS_ONLY:-}" != 1 ]; then main; fi
