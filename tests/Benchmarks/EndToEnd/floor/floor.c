/*
 * The C floor of the end-to-end benchmark: the least a Telegraf inputs.execd plugin can do per gather.
 * Started once, it reads stdin; per newline it does the HTTP requests the plugin does in the steady state,
 * one after another on one thread with blocking sockets (connect, GET with Connection: close, read to EOF),
 * and writes one line of line protocol per JVB: the top-level numbers of the colibri document as float
 * fields, its strings, booleans and nested values skipped. No keep-alive, no parser beyond that scan.
 *
 *   floor http URL...            URL = http://127.0.0.1:PORT/PATH (numeric IPv4 only, no DNS)
 *   floor docker SOCKET TARGET   GET TARGET (the plugin's own /containers/json request) over the Docker
 *                                Unix socket, take the one container labelled com.docker.compose.service=jvb,
 *                                read it where the plugin would (host network: 127.0.0.1 and the port of the
 *                                execd-jvb.port label, else its first network IP and port 8080), GET its
 *                                /colibri/stats, write a line tagged with its name
 *   floor host SOCKET TARGET SERVICE=PATH[,PATH]...
 *                                a whole docker-jitsi-meet host: GET TARGET as above, take the container of each
 *                                SERVICE by its compose service label, read it on 127.0.0.1 at the port of its
 *                                execd-jvb.port label and GET each PATH; one line per document tagged with the
 *                                container's name and the path: a JSON document's numbers at any depth (keys joined
 *                                with "_"), healthy=1 for a 200 with an empty body (jicoco's /about/health), or
 *                                for a text exposition (Prosody's /metrics) each sample a field named by its series
 *
 * Built by the benchmark with gcc -O2. A failed request is reported on stderr (E! ...) and writes no line.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define ANSWER_MAX (1 << 20)
#define OUT_MAX (1 << 20)

static char answer[ANSWER_MAX];
static char out[OUT_MAX];
static size_t out_len;

struct target {
    char url[256];
    struct sockaddr_in address;
    char request[512];
    size_t request_len;
};

static void append(const char *text, size_t len)
{
    if (out_len + len < OUT_MAX) {
        memcpy(out + out_len, text, len);
        out_len += len;
    }
}

/* One request on a new connection; returns the answer's length (head and body), or -1. */
static ssize_t exchange(const struct sockaddr *address, socklen_t address_len, const char *request, size_t request_len)
{
    int fd = socket(address->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }

    struct timeval timeout = { .tv_sec = 5 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    ssize_t total = -1;
    if (connect(fd, address, address_len) == 0 && write(fd, request, request_len) == (ssize_t)request_len) {
        total = 0;
        ssize_t got = 0;
        while (total < ANSWER_MAX && (got = read(fd, answer + total, ANSWER_MAX - total)) > 0) {
            total += got;
        }

        if (got < 0) {
            total = -1;
        }
    }

    close(fd);
    return total;
}

/* The body of a 200 answer, or NULL. */
static const char *body_of(ssize_t len, const char **end)
{
    if (len < 12 || memcmp(answer, "HTTP/1.", 7) != 0 || memcmp(answer + 8, " 200", 4) != 0) {
        return NULL;
    }

    const char *body = memmem(answer, len, "\r\n\r\n", 4);
    *end = answer + len;
    return body ? body + 4 : NULL;
}

/* Skips a JSON string starting at its opening quote; returns the character after the closing one. */
static const char *skip_string(const char *p, const char *end)
{
    for (p++; p < end && *p != '"'; p++) {
        if (*p == '\\') {
            p++;
        }
    }

    return p + 1;
}

/* Skips one JSON value (a nested object or array whole); returns where the comma or closing brace after it is. */
static const char *skip_value(const char *p, const char *end)
{
    int depth = 0;
    for (; p < end; p++) {
        if (*p == '"') {
            p = skip_string(p, end) - 1;
        } else if (*p == '{' || *p == '[') {
            depth++;
        } else if (*p == '}' || *p == ']') {
            if (depth-- == 0) {
                return p;
            }
        } else if (*p == ',' && depth == 0) {
            return p;
        }
    }

    return p;
}

/* Appends ",key=number" for every number of the JSON object at *pp (nested objects too, keys joined with "_"). */
static void append_object(const char **pp, const char *end, char *key, size_t key_len, char *separator)
{
    const char *p = *pp + 1;
    while (p < end) {
        while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t' || *p == ',')) {
            p++;
        }

        if (p >= end || *p != '"') {
            break;
        }

        const char *name = p + 1;
        p = skip_string(p, end);
        size_t name_len = (size_t)(p - 1 - name);
        size_t joined = key_len;
        if (key_len + name_len + 2 < 512) {
            if (key_len > 0) {
                key[joined++] = '_';
            }

            memcpy(key + joined, name, name_len);
            joined += name_len;
        }

        while (p < end && (*p == ' ' || *p == ':')) {
            p++;
        }

        if (p < end && (*p == '-' || (*p >= '0' && *p <= '9'))) {
            const char *number = p;
            while (p < end && strchr("+-.eE0123456789", *p)) {
                p++;
            }

            append(separator, 1);
            append(key, joined);
            append("=", 1);
            append(number, (size_t)(p - number));
            *separator = ',';
        } else if (p < end && *p == '{') {
            append_object(&p, end, key, joined, separator);
        } else {
            p = skip_value(p, end);
        }
    }

    *pp = p < end ? p + 1 : end;
}

/* Appends ",series=value" for every sample of a Prometheus or OpenMetrics text, the series escaped as a field key. */
static void append_samples(const char *p, const char *end, char *separator)
{
    while (p < end) {
        const char *line_end = memchr(p, '\n', (size_t)(end - p));
        if (!line_end) {
            line_end = end;
        }

        const char *space = line_end - 1;
        while (space > p && *space != ' ') {
            space--;
        }

        if (*p != '#' && space > p) {
            append(separator, 1);
            for (const char *c = p; c < space; c++) {
                if (*c == ' ' || *c == ',' || *c == '=') {
                    append("\\", 1);
                }

                append(c, 1);
            }

            append("=", 1);
            append(space + 1, (size_t)(line_end - space - 1));
            *separator = ',';
        }

        p = line_end + 1;
    }
}

/* Ends the line begun at start with its timestamp, or takes it back when no field was written; false then. */
static int end_line(size_t start, char separator)
{
    if (separator == ' ') {
        out_len = start;
        return 0;
    }

    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    char stamp[32];
    int stamp_len = snprintf(stamp, sizeof stamp, " %lld\n", (long long)now.tv_sec * 1000000000LL + now.tv_nsec);
    append(stamp, (size_t)stamp_len);
    return 1;
}

/* Appends "measurement,tag fields timestamp\n" for a colibri document; false when it has no number. */
static int append_point(const char *tag, const char *p, const char *end)
{
    size_t start = out_len;
    append("jitsi_stats,", 12);
    append(tag, strlen(tag));
    char separator = ' ';
    char key[512];
    while (p < end && *p != '{') {
        p++;
    }

    if (p < end) {
        append_object(&p, end, key, 0, &separator);
    }

    return end_line(start, separator);
}

/* Appends "jitsi_document,tags fields timestamp\n" for any document of a host's components; false when it has no number. */
static int append_document(const char *tags, const char *p, const char *end)
{
    size_t start = out_len;
    append("jitsi_document,", 15);
    append(tags, strlen(tags));
    char separator = ' ';
    char key[512];
    const char *first = p;
    while (first < end && (*first == ' ' || *first == '\n' || *first == '\r' || *first == '\t')) {
        first++;
    }

    if (first == end) {
        append(" healthy=1", 10);
        separator = ',';
    } else if (*first == '{') {
        append_object(&first, end, key, 0, &separator);
    } else {
        append_samples(p, end, &separator);
    }

    return end_line(start, separator);
}

static int parse_url(const char *url, struct target *target)
{
    char host[64];
    unsigned port;
    int path_at = 0;
    if (strlen(url) >= sizeof target->url || sscanf(url, "http://%63[0-9.]:%u%n", host, &port, &path_at) != 2 || url[path_at] != '/' || port > 65535) {
        return 0;
    }

    snprintf(target->url, sizeof target->url, "%s", url);
    target->address.sin_family = AF_INET;
    target->address.sin_port = htons((unsigned short)port);
    if (inet_pton(AF_INET, host, &target->address.sin_addr) != 1) {
        return 0;
    }

    int len = snprintf(target->request, sizeof target->request,
        "GET %s HTTP/1.1\r\nHost: %s:%u\r\nAccept: application/json\r\nConnection: close\r\n\r\n", url + path_at, host, port);
    target->request_len = (size_t)len;
    return len > 0 && (size_t)len < sizeof target->request;
}

static void gather_url(const struct target *target, const char *tag)
{
    const char *end;
    ssize_t len = exchange((const struct sockaddr *)&target->address, sizeof target->address, target->request, target->request_len);
    const char *body = len > 0 ? body_of(len, &end) : NULL;
    if (!body || !append_point(tag, body, end)) {
        fprintf(stderr, "E! %s: %s\n", target->url, len < 0 ? strerror(errno) : "no 200 answer with numbers");
    }
}

/* The text of "key":"value" after from, copied into value; NULL when absent. */
static const char *string_after(const char *from, const char *end, const char *key, char *value, size_t size)
{
    const char *at = memmem(from, (size_t)(end - from), key, strlen(key));
    if (!at) {
        return NULL;
    }

    at += strlen(key);
    const char *close = memchr(at, '"', (size_t)(end - at));
    if (!close || (size_t)(close - at) >= size) {
        return NULL;
    }

    memcpy(value, at, (size_t)(close - at));
    value[close - at] = '\0';
    return close;
}

static void gather_docker(const struct sockaddr_un *docker, const char *list_request, size_t list_len)
{
    const char *end;
    ssize_t len = exchange((const struct sockaddr *)docker, sizeof *docker, list_request, list_len);
    const char *body = len > 0 ? body_of(len, &end) : NULL;
    if (!body) {
        fprintf(stderr, "E! docker list: %s\n", len < 0 ? strerror(errno) : "no 200 answer");
        return;
    }

    /* The list holds one container: the JVB, by docker-jitsi-meet's compose service label. */
    char name[128], port[8] = "8080", mode[32] = "", ip[64] = "";
    if (!memmem(body, (size_t)(end - body), "\"com.docker.compose.service\":\"jvb\"", 34)
        || !string_after(body, end, "\"Names\":[\"/", name, sizeof name)) {
        fprintf(stderr, "E! docker list: no JVB container\n");
        return;
    }

    string_after(body, end, "\"execd-jvb.port\":\"", port, sizeof port);
    string_after(body, end, "\"NetworkMode\":\"", mode, sizeof mode);
    if (strcmp(mode, "host") == 0) {
        strcpy(ip, "127.0.0.1");
    } else {
        const char *from = body;
        while ((from = string_after(from, end, "\"IPAddress\":\"", ip, sizeof ip)) && ip[0] == '\0') {
        }
    }

    char url[256], tag[160];
    struct target target;
    snprintf(url, sizeof url, "http://%s:%s/colibri/stats", ip, port);
    snprintf(tag, sizeof tag, "container_name=%s", name);
    if (!parse_url(url, &target)) {
        fprintf(stderr, "E! docker list: no address for %s (%s)\n", name, url);
        return;
    }

    gather_url(&target, tag);
}

/* One gather of a whole host: the list, then each service's container and each of its paths. */
static void gather_host(const struct sockaddr_un *docker, const char *list_request, size_t list_len, char **services, int service_count)
{
    const char *end;
    ssize_t len = exchange((const struct sockaddr *)docker, sizeof *docker, list_request, list_len);
    const char *body = len > 0 ? body_of(len, &end) : NULL;
    if (!body) {
        fprintf(stderr, "E! docker list: %s\n", len < 0 ? strerror(errno) : "no 200 answer");
        return;
    }

    /* The answer is overwritten by each request, so the containers' addresses are taken first. */
    struct target targets[32];
    char tags[32][300];
    int count = 0;
    for (int s = 0; s < service_count; s++) {
        char service[64], label[128];
        const char *paths = strchr(services[s], '=');
        snprintf(service, sizeof service, "%.*s", paths ? (int)(paths - services[s]) : 0, services[s]);
        snprintf(label, sizeof label, "\"com.docker.compose.service\":\"%s\"", service);
        const char *element = memchr(body, '[', (size_t)(end - body));
        int found = 0;
        while (element && element < end && !found) {
            const char *from = element + 1;
            while (from < end && *from != '{' && *from != ']') {
                from++;
            }

            if (from >= end || *from == ']') {
                break;
            }

            const char *stop = skip_value(from, end);
            char name[128], port[8];
            if (memmem(from, (size_t)(stop - from), label, strlen(label))
                && string_after(from, stop, "\"Names\":[\"/", name, sizeof name)
                && string_after(from, stop, "\"execd-jvb.port\":\"", port, sizeof port)) {
                found = 1;
                char list[256];
                snprintf(list, sizeof list, "%s", paths + 1);
                for (char *path = strtok(list, ","); path && count < 32; path = strtok(NULL, ",")) {
                    char url[256];
                    snprintf(url, sizeof url, "http://127.0.0.1:%s%s", port, path);
                    snprintf(tags[count], sizeof tags[count], "container_name=%s,path=%s", name, path);
                    if (parse_url(url, &targets[count])) {
                        count++;
                    }
                }
            }

            element = stop;
        }

        if (!found) {
            fprintf(stderr, "E! docker list: no %s container\n", service);
        }
    }

    for (int t = 0; t < count; t++) {
        const char *answer_end;
        ssize_t got = exchange((const struct sockaddr *)&targets[t].address, sizeof targets[t].address, targets[t].request, targets[t].request_len);
        const char *document = got > 0 ? body_of(got, &answer_end) : NULL;
        if (!document || !append_document(tags[t], document, answer_end)) {
            fprintf(stderr, "E! %s: %s\n", targets[t].url, got < 0 ? strerror(errno) : "no 200 answer with numbers");
        }
    }
}

int main(int argc, char **argv)
{
    int docker = argc == 4 && strcmp(argv[1], "docker") == 0;
    int host = argc >= 5 && strcmp(argv[1], "host") == 0;
    if (!docker && !host && (argc < 3 || strcmp(argv[1], "http") != 0)) {
        fprintf(stderr, "usage: floor http URL... | floor docker SOCKET TARGET | floor host SOCKET TARGET SERVICE=PATH[,PATH]...\n");
        return 2;
    }

    struct sockaddr_un socket_address = { .sun_family = AF_UNIX };
    char list_request[1024];
    int list_len = 0;
    struct target *targets = NULL;
    char (*tags)[300] = NULL;
    int count = 0;
    if (docker || host) {
        snprintf(socket_address.sun_path, sizeof socket_address.sun_path, "%s", argv[2]);
        list_len = snprintf(list_request, sizeof list_request, "GET %s HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n", argv[3]);
    } else {
        count = argc - 2;
        targets = calloc((size_t)count, sizeof *targets);
        tags = calloc((size_t)count, sizeof *tags);
        for (int i = 0; i < count; i++) {
            if (!targets || !tags || !parse_url(argv[i + 2], &targets[i])) {
                fprintf(stderr, "E! not a URL of the form http://127.0.0.1:PORT/PATH: %s\n", argv[i + 2]);
                return 2;
            }

            snprintf(tags[i], sizeof tags[i], "url=%s", targets[i].url);
        }
    }

    char input[4096];
    ssize_t got;
    while ((got = read(0, input, sizeof input)) > 0 || (got < 0 && errno == EINTR)) {
        for (ssize_t i = 0; i < got; i++) {
            if (input[i] != '\n') {
                continue;
            }

            out_len = 0;
            if (host) {
                gather_host(&socket_address, list_request, (size_t)list_len, argv + 4, argc - 4);
            } else if (docker) {
                gather_docker(&socket_address, list_request, (size_t)list_len);
            } else {
                for (int t = 0; t < count; t++) {
                    gather_url(&targets[t], tags[t]);
                }
            }

            for (size_t done = 0; done < out_len;) {
                ssize_t wrote = write(1, out + done, out_len - done);
                if (wrote <= 0) {
                    return 1;
                }

                done += (size_t)wrote;
            }
        }
    }

    return 0;
}
