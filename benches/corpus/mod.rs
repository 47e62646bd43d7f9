//! A deterministic generator of realistic Flux task scripts for benchmarks: the same seed
//! always gives the same bytes, so figures from different runs and machines compare.
//!
//! Shared by `benches/*.rs` and `examples/gencorpus.rs` (which writes the files to disk for
//! the `cat`/`grep` baselines).

/// splitmix64: tiny, fast, and good enough to vary shapes.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const MEASUREMENTS: &[&str] = &[
    "cpu",
    "mem",
    "disk",
    "net",
    "diskio",
    "system",
    "temperature",
    "humidity",
    "power",
    "queue",
];
const FIELDS: &[&str] = &[
    "usage_user",
    "used_percent",
    "bytes_recv",
    "load1",
    "value",
    "reading",
    "kwh",
    "depth",
];
const HOSTS: &[&str] = &[
    "web-01",
    "web-02",
    "db-primary",
    "edge-α",
    "büro-3",
    "倉庫-1",
];
const EVERY: &[&str] = &[
    "1m", "5m", "10m", "15m", "30m", "1h", "1h30m", "6h", "1d", "1w", "30s",
];
const CRON: &[&str] = &[
    "0 * * * *",
    "*/5 * * * *",
    "0 2 * * *",
    "0 0 * * MON-FRI",
    "@hourly",
    "@daily",
];
const OFFSETS: &[&str] = &["5m", "30s", "1m0s", "-2m", "0s", "15m"];

/// One task script of roughly `target` bytes.
pub fn script(rng: &mut Rng, index: usize, target: usize) -> String {
    let mut s = String::with_capacity(target + 512);
    let crlf = rng.below(20) == 0;
    let imports = [
        "import \"influxdata/influxdb/tasks\"\n",
        "import \"strings\"\n",
        "import \"regexp\"\n",
        "import \"influxdata/influxdb/monitor\"\n",
        "import \"experimental\"\n",
    ];
    for import in imports.iter().take(1 + rng.below(4)) {
        s.push_str(import);
    }
    s.push('\n');
    if rng.below(3) == 0 {
        s.push_str("// Task options: edited by fluxtask, reviewed in git.\n");
    }
    s.push_str(&record(rng, index));
    s.push('\n');
    let mut n = 0;
    while s.len() < target {
        s.push_str(&block(rng, n));
        n += 1;
    }
    if crlf { s.replace('\n', "\r\n") } else { s }
}

fn record(rng: &mut Rng, index: usize) -> String {
    let name = format!(
        "\"{}-{}-{index}\"",
        rng.pick(MEASUREMENTS),
        rng.pick(&["rollup", "alert", "downsample", "export"])
    );
    let schedule = if rng.below(4) == 0 {
        format!("cron: \"{}\"", rng.pick(CRON))
    } else {
        format!("every: {}", rng.pick(EVERY))
    };
    let mut props = vec![format!("name: {name}"), schedule];
    if rng.below(2) == 0 {
        props.push(format!("offset: {}", rng.pick(OFFSETS)));
    }
    if rng.below(5) == 0 {
        props.push(format!("concurrency: {}", 1 + rng.below(4)));
    }
    match rng.below(4) {
        0 => format!("option task = {{{}}}\n", props.join(", ")),
        1 => {
            let lines: Vec<String> = props.iter().map(|p| format!("    {p},\n")).collect();
            format!("option task = {{\n{}}}\n", lines.concat())
        }
        2 => {
            let lines: Vec<String> = props
                .iter()
                .map(|p| {
                    format!(
                        "\t{p}, // {}\n",
                        rng.pick(&["required", "schedule", "late data", "limit"])
                    )
                })
                .collect();
            format!("option task = {{\n{}}}\n", lines.concat())
        }
        _ => {
            let lines: Vec<String> = props.iter().map(|p| format!("  {p}")).collect();
            format!("option task = {{\n{}\n}}\n", lines.join(",\n"))
        }
    }
}

fn block(rng: &mut Rng, n: usize) -> String {
    let m = rng.pick(MEASUREMENTS);
    let f = rng.pick(FIELDS);
    let host = rng.pick(HOSTS);
    match rng.below(7) {
        0 => format!(
            "\n// {m}: keep only the {f} field of {host}; see the runbook\ndata_{n} = from(bucket: \"telegraf/autogen\")\n    |> range(start: -task.every * 2, stop: now())\n    |> filter(fn: (r) => r._measurement == \"{m}\" and r._field == \"{f}\")\n    |> filter(fn: (r) => r.host =~ /^{}[0-9]+$/ or r.host == \"{host}\")\n    |> aggregateWindow(every: 1m, fn: mean, createEmpty: false)\n",
            host.chars().take(2).collect::<String>()
        ),
        1 => format!(
            "\nmessage_{n} = (r) => \"${{r.host}} reports {m}.{f} = ${{string(v: r._value)}} (limit ${{ {{limit: 90.0}}.limit }}) at ${{r._time}}\"\n"
        ),
        2 => format!(
            "\nscaled_{n} = data\n    |> map(fn: (r) => ({{r with _value: r._value / 1024.0 * 8.0, unit: \"Mbit/s\", \"source.host\": r.host}}))\n    |> filter(fn: (r) => r._value / 2.0 > 10.0 and r.unit !~ /^(ignored|test)\\/x$/)\n"
        ),
        3 => format!(
            "\ncheck_{n} = {{\n    _check_id: \"{:016x}\",\n    _check_name: \"{m} check\",\n    _type: \"threshold\",\n    tags: {{team: \"ops\", host: \"{host}\"}},\n}}\ncrit_{n} = (r) => r[\"{f}\"] > {}.5\n",
            rng.next(),
            rng.below(100)
        ),
        4 => format!(
            "\nwindow_{n} = (tables=<-, every) => tables\n    |> range(start: 2024-01-01T00:00:00Z, stop: 2024-06-30T23:59:59.5+02:00)\n    |> window(every: every, period: 1h30m, offset: 5µs)\n    |> {}(column: \"_value\")\n",
            rng.pick(&["mean", "max", "sum", "count"])
        ),
        5 => format!(
            "\nlabel_{n} = if exists r.host then strings.toUpper(v: \"${{r.host}}/{m}\") else \"unknown\" // fallback\nratio_{n} = (a, b) => {{\n    total = a + b\n    return if total == 0 then 0.0 else float(v: a) / float(v: total)\n}}\n"
        ),
        _ => format!(
            "\nfrom(bucket: \"{m}\")\n    |> range(start: tasks.lastSuccess(orTime: -task.every))\n    |> filter(fn: (r) => r._field == \"{f}\")\n    |> to(bucket: \"{m}_downsampled\", org: \"acme\")\n"
        ),
    }
}

/// `count` scripts of 1–10 KB, deterministic for a seed.
pub fn corpus(seed: u64, count: usize) -> Vec<String> {
    let mut rng = Rng::new(seed);
    (0..count)
        .map(|i| {
            let target = 1024 + rng.below(9 * 1024);
            script(&mut rng, i, target)
        })
        .collect()
}

/// One valid script of about `bytes`: a record and then pipelines.
pub fn large(seed: u64, bytes: usize) -> String {
    script(&mut Rng::new(seed), 0, bytes)
}

/// Hostile shapes of about `bytes` each, as `(label, text)`. All must take time linear in
/// their size; most are refused (they are not valid scripts).
pub fn hostile(bytes: usize) -> Vec<(&'static str, String)> {
    let record = "option task = {name: \"h\", every: 1h}\n";
    vec![
        ("open braces", "{".repeat(bytes)),
        (
            "one long string",
            format!("{record}x = \"{}\"\n", "a".repeat(bytes)),
        ),
        (
            "many comments",
            format!("{record}{}", "// comment line\n".repeat(bytes / 16)),
        ),
        (
            "many interpolations",
            format!("{record}x = \"{}\"\n", "${y}".repeat(bytes / 4)),
        ),
        ("nested interpolations", "\"${".repeat(bytes / 3)),
        // Refused at the record's token limit (65 536).
        (
            "many properties",
            format!(
                "option task = {{name: \"h\", every: 1h, {}}}\n",
                "k: 1, ".repeat(bytes / 6)
            ),
        ),
    ]
}
