#!/usr/bin/env bash
# Local PostgreSQL and MariaDB on loopback for the database-backed tests.
#
#   scripts/db.sh start   install (apt) and initialise when missing, start, wait until both accept connections
#   scripts/db.sh stop    stop both servers
#   scripts/db.sh urls    print the `export BULWARK_TEST_*_URL=...` lines for the test suite
#
# `start` is idempotent: a server that already accepts connections is left running as it is; only the
# test user's access and the `test` database are checked (and created when absent).
# Environment: DB_WAIT_SECONDS (default 60) bounds each wait for a server.
set -euo pipefail

PG_HOST=127.0.0.1
PG_PORT=5432
PG_USER=postgres
MY_HOST=127.0.0.1
MY_PORT=3306
MY_USER=root
TEST_DB=test
WAIT_SECONDS="${DB_WAIT_SECONDS:-60}"

PG_URL="postgres://${PG_USER}@${PG_HOST}:${PG_PORT}/${TEST_DB}"
MY_URL="mysql://${MY_USER}@${MY_HOST}:${MY_PORT}/${TEST_DB}"

log() { echo "db.sh: $*" >&2; }
die() {
    echo "db.sh: error: $*" >&2
    exit 1
}

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
    if [[ $(id -u) -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root (or sudo) to run: $*"
    fi
}

# Runs a command as the `postgres` OS user (peer authentication on the local socket).
as_postgres() {
    if [[ $(id -un) == postgres ]]; then
        "$@"
    elif [[ $(id -u) -eq 0 ]]; then
        (cd / && runuser -u postgres -- "$@")
    else
        (cd / && sudo -u postgres -- "$@")
    fi
}

APT_UPDATED=0
apt_install() {
    log "installing $* from apt"
    if ((APT_UPDATED == 0)); then
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        APT_UPDATED=1
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Polls `$@` until it succeeds or WAIT_SECONDS pass.
wait_for() {
    local what=$1
    shift
    local deadline=$((SECONDS + WAIT_SECONDS))
    until "$@" >/dev/null 2>&1; do
        if ((SECONDS >= deadline)); then
            die "$what did not accept connections within ${WAIT_SECONDS}s (check its log)"
        fi
        sleep 1
    done
    log "$what is ready"
}

# ---------------------------------------------------------------------------------------------------
# PostgreSQL

pg_version() {
    local version
    version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1 || true)
    if [[ -z $version ]]; then
        version=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1 || true)
    fi
    echo "$version"
}

pg_ready() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT"; }

# True when the test user reaches the test database over TCP without a password.
pg_test_login() {
    psql -X -w -q "$PG_URL" -c 'select 1' >/dev/null 2>&1
}

pg_admin() { as_postgres psql -X -w -q -v ON_ERROR_STOP=1 -d postgres "$@"; }

pg_start() {
    if ! command -v pg_ctlcluster >/dev/null 2>&1; then
        apt_install postgresql
    fi
    local version
    version=$(pg_version)
    [[ -n $version ]] || die "no PostgreSQL version found under /usr/lib/postgresql"

    if pg_ready; then
        log "PostgreSQL is already running on ${PG_HOST}:${PG_PORT}"
    else
        if [[ ! -d /etc/postgresql/$version/main ]]; then
            log "creating PostgreSQL $version cluster 'main'"
            as_root pg_createcluster --port="$PG_PORT" "$version" main >/dev/null
        fi
        log "starting PostgreSQL $version"
        as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start
        wait_for "PostgreSQL" pg_ready
    fi

    if pg_test_login; then
        return
    fi
    # First run on this machine: trust loopback, make the roles and the database.
    local hba
    hba=$(pg_admin -At -c 'show hba_file')
    if ! as_root grep -Eq "^host[[:space:]]+all[[:space:]]+all[[:space:]]+${PG_HOST}/32[[:space:]]+trust" "$hba"; then
        log "trusting ${PG_HOST} in $hba"
        as_root sed -i "1i host all all ${PG_HOST}/32 trust" "$hba"
        pg_admin -c 'select pg_reload_conf()' >/dev/null
    fi
    local role
    for role in root "$PG_USER"; do
        if [[ -z $(pg_admin -At -c "select 1 from pg_roles where rolname = '$role'") ]]; then
            pg_admin -c "create role \"$role\" login superuser" >/dev/null
        fi
    done
    if [[ -z $(pg_admin -At -c "select 1 from pg_database where datname = '$TEST_DB'") ]]; then
        pg_admin -c "create database \"$TEST_DB\" owner \"$PG_USER\"" >/dev/null
    fi
    # A reload takes effect asynchronously: allow it a moment.
    wait_for "PostgreSQL login as ${PG_USER}" pg_test_login
}

pg_stop() {
    local version
    version=$(pg_version)
    if [[ -z $version ]] || ! pg_ready; then
        log "PostgreSQL is not running"
        return
    fi
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main stop
    log "PostgreSQL stopped"
}

# ---------------------------------------------------------------------------------------------------
# MariaDB

# `mariadb-admin ping` succeeds as soon as the server answers, even if it refuses the login.
my_ready() { mariadb-admin --protocol=tcp -h "$MY_HOST" -P "$MY_PORT" -u "$MY_USER" --connect-timeout=2 ping; }

my_test_login() {
    mariadb --protocol=tcp -h "$MY_HOST" -P "$MY_PORT" -u "$MY_USER" -D "$TEST_DB" -e 'select 1' >/dev/null 2>&1
}

# Administrative SQL as root over the local socket (unix_socket authentication).
my_admin() { as_root mariadb --protocol=socket -u root -e "$1"; }

my_start() {
    if [[ ! -x /usr/sbin/mariadbd ]]; then
        apt_install mariadb-server mariadb-client
    fi

    if my_ready >/dev/null 2>&1; then
        log "MariaDB is already running on ${MY_HOST}:${MY_PORT}"
    else
        if [[ ! -d /var/lib/mysql/mysql ]]; then
            log "initialising the MariaDB data directory"
            as_root mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
        fi
        as_root install -d -o mysql -g mysql /run/mysqld
        log "starting MariaDB"
        as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- \
            --user=mysql --bind-address="$MY_HOST" --port="$MY_PORT"
        wait_for "MariaDB" my_ready
    fi

    if my_test_login; then
        return
    fi
    # First run on this machine: an empty-password root from loopback, and the database.
    # Without skip-name-resolve, 127.0.0.1 may resolve to `localhost`, so root@localhost accepts
    # an empty password over TCP too (and keeps unix_socket for the local socket).
    log "granting ${MY_USER}@${MY_HOST} (empty password) and creating database '${TEST_DB}'"
    my_admin "
        CREATE USER IF NOT EXISTS 'root'@'${MY_HOST}' IDENTIFIED BY '';
        GRANT ALL PRIVILEGES ON *.* TO 'root'@'${MY_HOST}' WITH GRANT OPTION;
        ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('');
        CREATE DATABASE IF NOT EXISTS \`${TEST_DB}\`;
        FLUSH PRIVILEGES;"
    my_test_login || die "MariaDB is running but ${MY_URL} is not usable"
}

my_stop() {
    if ! my_ready >/dev/null 2>&1; then
        log "MariaDB is not running"
        return
    fi
    as_root start-stop-daemon --stop --oknodo --retry 30 --exec /usr/sbin/mariadbd >/dev/null
    log "MariaDB stopped"
}

# ---------------------------------------------------------------------------------------------------

urls() {
    echo "export BULWARK_TEST_POSTGRES_URL=${PG_URL}"
    echo "export BULWARK_TEST_MYSQL_URL=${MY_URL}"
}

case "${1:-}" in
start)
    pg_start
    my_start
    ;;
stop)
    pg_stop
    my_stop
    ;;
urls)
    urls
    ;;
*)
    echo "usage: $0 start|stop|urls" >&2
    exit 2
    ;;
esac
