// The Go peer of the end-to-end benchmark: what Telegraf's inputs.http with its json parser does per gather,
// written on Go's standard library only (net/http, encoding/json), as Telegraf itself is built on them.
//
// Started once, it reads stdin; per newline it GETs each document with one shared http.Client (its default
// keep-alive, as Telegraf's inputs.http keeps one client), decodes JSON into map[string]interface{} and writes one
// line per document: every number a float field, nested objects flattened with "_" as the json parser does,
// strings and booleans left out. As Telegraf's parser is chosen per input and not by the answer's Content-Type, a
// body that opens with "{" is JSON; a 200 with an empty body (jicoco's /about/health) is the field healthy=1; any
// other text is an exposition (Prosody's /metrics), one field per sample named by its series. The batch is
// flushed at once.
//
//	goscraper URL...                                   static URLs, lines tagged url=URL
//	goscraper docker SOCKET TARGET SERVICE=PATH[,PATH]...
//	    GET TARGET (the plugin's own /containers/json request) over the Docker unix socket, take the container of
//	    each SERVICE by its com.docker.compose.service label, read it where the plugin would on the host network
//	    (127.0.0.1 and the port of its execd-jvb.port label) and GET each PATH; lines tagged container_name, path
//
// Built by the benchmark with `go build` from this one file. A failed request is reported on stderr (E! ...) and
// writes no line.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

type document struct {
	url  string
	tags string
}

type container struct {
	Names  []string
	Labels map[string]string
}

var (
	client = &http.Client{Timeout: 5 * time.Second}
	out    = bufio.NewWriterSize(os.Stdout, 1<<16)
)

func main() {
	var docker *http.Client
	var target string
	var services []string
	var static []document
	switch {
	case len(os.Args) >= 5 && os.Args[1] == "docker":
		socket := os.Args[2]
		docker = &http.Client{
			Timeout: 5 * time.Second,
			Transport: &http.Transport{
				DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
					var dialer net.Dialer
					return dialer.DialContext(ctx, "unix", socket)
				},
			},
		}
		target, services = os.Args[3], os.Args[4:]
	case len(os.Args) >= 2 && os.Args[1] != "docker":
		for _, url := range os.Args[1:] {
			static = append(static, document{url, "url=" + url})
		}
	default:
		fmt.Fprintln(os.Stderr, "usage: goscraper URL... | goscraper docker SOCKET TARGET SERVICE=PATH[,PATH]...")
		os.Exit(2)
	}

	in := bufio.NewReader(os.Stdin)
	for {
		if _, err := in.ReadString('\n'); err != nil {
			return
		}

		documents := static
		if docker != nil {
			documents = discover(docker, target, services)
		}

		for _, doc := range documents {
			gather(doc)
		}

		if err := out.Flush(); err != nil {
			os.Exit(1)
		}
	}
}

// discover lists the running containers and returns the documents of each service's container.
func discover(docker *http.Client, target string, services []string) []document {
	answer, err := docker.Get("http://docker" + target)
	if err != nil {
		fmt.Fprintf(os.Stderr, "E! docker list: %v\n", err)
		return nil
	}

	defer answer.Body.Close()
	var list []container
	if err := json.NewDecoder(answer.Body).Decode(&list); err != nil || answer.StatusCode != http.StatusOK {
		fmt.Fprintf(os.Stderr, "E! docker list: %s %v\n", answer.Status, err)
		return nil
	}

	var documents []document
	for _, service := range services {
		name, paths, _ := strings.Cut(service, "=")
		found := false
		for _, c := range list {
			if c.Labels["com.docker.compose.service"] != name || len(c.Names) == 0 {
				continue
			}

			found = true
			for _, path := range strings.Split(paths, ",") {
				documents = append(documents, document{
					"http://127.0.0.1:" + c.Labels["execd-jvb.port"] + path,
					"container_name=" + strings.TrimPrefix(c.Names[0], "/") + ",path=" + path,
				})
			}
		}

		if !found {
			fmt.Fprintf(os.Stderr, "E! docker list: no %s container\n", name)
		}
	}

	return documents
}

// gather GETs one document and writes its line.
func gather(doc document) {
	answer, err := client.Get(doc.url)
	if err != nil {
		fmt.Fprintf(os.Stderr, "E! %s: %v\n", doc.url, err)
		return
	}

	body, err := io.ReadAll(answer.Body)
	answer.Body.Close()
	if err != nil || answer.StatusCode != http.StatusOK {
		fmt.Fprintf(os.Stderr, "E! %s: %s %v\n", doc.url, answer.Status, err)
		return
	}

	fields := map[string]float64{}
	switch {
	case len(body) == 0:
		fields["healthy"] = 1
	case bytes.HasPrefix(bytes.TrimSpace(body), []byte{'{'}):
		var values map[string]interface{}
		if err := json.Unmarshal(body, &values); err != nil {
			fmt.Fprintf(os.Stderr, "E! %s: %v\n", doc.url, err)
			return
		}

		flatten("", values, fields)
	default:
		samples(body, fields)
	}

	if len(fields) == 0 {
		fmt.Fprintf(os.Stderr, "E! %s: no numbers\n", doc.url)
		return
	}

	// Sorted keys, as Telegraf's serializer writes a metric's fields in a fixed order.
	keys := make([]string, 0, len(fields))
	for key := range fields {
		keys = append(keys, key)
	}

	sort.Strings(keys)
	measurement := "jitsi_stats,"
	if strings.HasPrefix(doc.tags, "container_name=") {
		measurement = "jitsi_document,"
	}

	out.WriteString(measurement)
	out.WriteString(doc.tags)
	for i, key := range keys {
		if i == 0 {
			out.WriteByte(' ')
		} else {
			out.WriteByte(',')
		}

		out.WriteString(escape(key))
		out.WriteByte('=')
		out.WriteString(strconv.FormatFloat(fields[key], 'f', -1, 64))
	}

	out.WriteByte(' ')
	out.WriteString(strconv.FormatInt(time.Now().UnixNano(), 10))
	out.WriteByte('\n')
}

// flatten puts every number of a decoded JSON object into fields, nested keys joined with "_" as Telegraf's json
// parser joins them; arrays are flattened by index.
func flatten(prefix string, value interface{}, fields map[string]float64) {
	switch v := value.(type) {
	case float64:
		fields[prefix] = v
	case map[string]interface{}:
		for key, inner := range v {
			if prefix != "" {
				key = prefix + "_" + key
			}

			flatten(key, inner, fields)
		}
	case []interface{}:
		for i, inner := range v {
			flatten(prefix+"_"+strconv.Itoa(i), inner, fields)
		}
	}
}

// samples puts every sample of a Prometheus or OpenMetrics text into fields, named by its series (name and labels).
func samples(body []byte, fields map[string]float64) {
	for _, line := range bytes.Split(body, []byte{'\n'}) {
		if len(line) == 0 || line[0] == '#' {
			continue
		}

		at := bytes.LastIndexByte(line, ' ')
		if at <= 0 {
			continue
		}

		if value, err := strconv.ParseFloat(string(line[at+1:]), 64); err == nil {
			fields[string(line[:at])] = value
		}
	}
}

var escaper = strings.NewReplacer(" ", `\ `, ",", `\,`, "=", `\=`)

func escape(key string) string {
	return escaper.Replace(key)
}
