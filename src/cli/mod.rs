//! Command-line flags as typed (clap), and the dispatch to each command.

pub(crate) mod output;

mod check;
mod inputs;
mod plan;
mod show;
mod update;

use output::errln;

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

use crate::overrides::RawOverrides;
use crate::payload::{Mode, Server, Status};

/// Exit codes, stable for scripts and CI.
pub const EXIT_OK: i32 = 0;
/// `--check` found a change, or `check` found an error.
pub const EXIT_FINDINGS: i32 = 1;
/// Bad input, bad flags, unreadable files.
pub const EXIT_ERROR: i32 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "fluxtask",
    version,
    about = "Edit, check and plan InfluxDB / Kapacitor Flux task options without reformatting your scripts",
    after_help = "Examples:\n  fluxtask update task.flux --every 2h             # preview the change as a diff\n  fluxtask update task.flux --every 2h --write     # rewrite the file in place\n  fluxtask show task.flux                          # print the task options"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// When to color output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// `auto` colors a terminal unless `NO_COLOR` is set (https://no-color.org).
    pub fn enabled(self, terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                terminal
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
            }
        }
    }

    pub fn stdout(self) -> bool {
        self.enabled(std::io::stdout().is_terminal())
    }

    pub fn stderr(self) -> bool {
        self.enabled(std::io::stderr().is_terminal())
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Override name/every/cron/offset in place; show the diff, write the file or a PATCH body.
    #[command(after_help = update::EXAMPLES)]
    Update(Box<UpdateArgs>),
    /// Print the task options of scripts.
    #[command(
        after_help = "Examples:\n  fluxtask show task.flux\n  fluxtask show tasks/*.flux --json"
    )]
    Show(ShowArgs),
    /// Validate task options the way the server does (pre-commit and CI).
    #[command(after_help = check::EXAMPLES)]
    Check(CheckArgs),
    /// Plan the update that makes a server task (or a task list) match local scripts.
    #[command(after_help = plan::EXAMPLES)]
    Plan(Box<PlanArgs>),
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  mkdir -p ~/.local/share/bash-completion/completions\n  fluxtask completions bash > ~/.local/share/bash-completion/completions/fluxtask\n  mkdir -p ~/.zfunc && fluxtask completions zsh > ~/.zfunc/_fluxtask"
    )]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print a man page (roff): fluxtask(1), or fluxtask-COMMAND(1) for a command.
    #[command(
        after_help = "Examples:\n  mkdir -p ~/.local/share/man/man1\n  for page in '' update check plan show; do\n    fluxtask man $page > ~/.local/share/man/man1/fluxtask${page:+-$page}.1\n  done"
    )]
    Man {
        /// The command whose page to print.
        command: Option<String>,
    },
}

/// The option overrides `update` and `plan` share.
#[derive(Debug, Args)]
pub struct OverrideArgs {
    /// Set the task name.
    #[arg(short, long, value_name = "NAME", allow_hyphen_values = true)]
    pub name: Option<String>,

    /// Run every DURATION (a Flux duration such as 1h30m); replaces a cron schedule.
    #[arg(short, long, value_name = "DURATION", allow_hyphen_values = true)]
    pub every: Option<String>,

    /// Run on a cron schedule (influxdata/cron syntax); replaces an every schedule.
    #[arg(
        short = 'r',
        long,
        value_name = "CRON",
        conflicts_with = "every",
        allow_hyphen_values = true
    )]
    pub cron: Option<String>,

    /// Set the offset (e.g. 5m or -30s); `0s` or "" removes it.
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true)]
    pub offset: Option<String>,

    /// Remove the offset.
    #[arg(long, conflicts_with = "offset")]
    pub no_offset: bool,
}

impl OverrideArgs {
    /// The values as typed; `--no-offset` is the API's empty offset.
    pub fn raw(&self) -> RawOverrides {
        RawOverrides {
            name: self.name.clone(),
            every: self.every.clone(),
            cron: self.cron.clone(),
            offset: if self.no_offset {
                Some(String::new())
            } else {
                self.offset.clone()
            },
        }
    }
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// Flux scripts to edit; `-` reads standard input.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// A script to edit (as in `influx task update --file`).
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: Vec<PathBuf>,

    /// Name shown for standard input in diffs and messages.
    #[arg(long, value_name = "PATH", default_value = "<stdin>")]
    pub stdin_filename: String,

    #[command(flatten)]
    pub overrides: OverrideArgs,

    /// How the PATCH body carries the change.
    #[arg(long, value_enum, default_value_t = Mode::Flux)]
    pub mode: Mode,

    /// Add the task status to the PATCH body.
    #[arg(long, value_enum)]
    pub status: Option<Status>,

    /// Add the task description to the PATCH body.
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub description: Option<String>,

    /// Write the PATCH body to PATH; `-` prints only the body on stdout (the diff goes to stderr).
    #[arg(long, value_name = "PATH")]
    pub payload: Option<String>,

    /// The task ID, for --curl.
    #[arg(short, long, value_name = "ID")]
    pub id: Option<String>,

    /// Print a curl command that sends the PATCH body (needs --id).
    #[arg(long, requires = "id")]
    pub curl: bool,

    /// Which server API the curl command calls.
    #[arg(long, value_enum, default_value_t = Server::Kapacitor)]
    pub server: Server,

    /// Base URL for the curl command [default: http://localhost:9092 for Kapacitor, http://localhost:8086 for InfluxDB].
    #[arg(long, value_name = "URL", value_parser = base_url)]
    pub url: Option<String>,

    /// Rewrite the files in place (atomically).
    #[arg(short, long, conflicts_with = "check")]
    pub write: bool,

    /// Write nothing; exit 1 if any file would change.
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files and directories (directories recurse into *.flux); `-` reads standard input.
    /// Default: the current directory.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = check::Format::Human)]
    pub format: check::Format,

    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub strict: bool,

    /// Name shown for standard input.
    #[arg(long, value_name = "PATH", default_value = "<stdin>")]
    pub stdin_filename: String,

    /// Also walk hidden files and directories.
    #[arg(long)]
    pub hidden: bool,

    /// Do not honour .gitignore, .ignore and git excludes.
    #[arg(long)]
    pub no_ignore: bool,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The desired script, `-` for standard input, or a directory of scripts.
    #[arg(value_name = "FILE|DIR")]
    pub target: PathBuf,

    /// The server's task(s): JSON of `GET …/api/v2/tasks/{id}` or of `GET …/api/v2/tasks`.
    #[arg(long, value_name = "JSON", required = true)]
    pub current: PathBuf,

    /// Pick the task from a list by ID (default: by the script's task name).
    #[arg(short, long, value_name = "ID")]
    pub id: Option<String>,

    /// Name shown for standard input.
    #[arg(long, value_name = "PATH", default_value = "<stdin>")]
    pub stdin_filename: String,

    #[command(flatten)]
    pub overrides: OverrideArgs,

    /// The status the task should have.
    #[arg(long, value_enum)]
    pub status: Option<Status>,

    /// The description the task should have.
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub description: Option<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = plan::Format::Text)]
    pub format: plan::Format,

    /// Write the body to PATH; `-` prints only the body on stdout.
    #[arg(long, value_name = "PATH")]
    pub payload: Option<String>,

    /// Directory plans: a JSON object mapping script paths (relative to DIR) to task IDs.
    #[arg(long, value_name = "JSON")]
    pub map: Option<PathBuf>,

    /// Directory plans: write one body per task to DIR/<id>.json.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Print a curl command per update.
    #[arg(long)]
    pub curl: bool,

    /// Which server API the curl commands call.
    #[arg(long, value_enum, default_value_t = Server::Kapacitor)]
    pub server: Server,

    /// Base URL for the curl commands.
    #[arg(long, value_name = "URL", value_parser = base_url)]
    pub url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Flux scripts; `-` reads standard input.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ShowFormat::Table)]
    pub format: ShowFormat,

    /// Same as `--format json`.
    #[arg(long)]
    pub json: bool,
}

/// The roff page of the tool, or of one command (`fluxtask-update(1)` …).
fn man_page(command: Option<&str>) -> i32 {
    let root = Cli::command();
    let page = match command {
        None => root,
        Some(name) => match root.find_subcommand(name) {
            Some(sub) => sub.clone().name(format!("fluxtask-{name}")),
            None => {
                print_error(
                    false,
                    None,
                    &format!("no command named {name:?}; see `fluxtask --help`"),
                );
                return EXIT_ERROR;
            }
        },
    };
    let mut roff = Vec::new();
    match clap_mangen::Man::new(page).render(&mut roff) {
        Ok(()) => {
            output::write_out(&String::from_utf8_lossy(&roff));
            EXIT_OK
        }
        Err(e) => {
            print_error(false, None, &e.to_string());
            EXIT_ERROR
        }
    }
}

/// `--url`: an http(s) base URL to which the API path is appended.
fn base_url(text: &str) -> Result<String, String> {
    let rest = text
        .strip_prefix("http://")
        .or_else(|| text.strip_prefix("https://"));
    match rest {
        None => Err("must start with http:// or https://".into()),
        Some("") => Err("needs a host, as in http://localhost:9092".into()),
        Some(_) if text.chars().any(|c| c.is_whitespace() || c.is_control()) => {
            Err("must not contain spaces or control characters".into())
        }
        Some(_) if text.contains(['?', '#']) => {
            Err("is a base URL: the API path is appended, so leave out `?` and `#`".into())
        }
        Some(_) => Ok(text.to_string()),
    }
}

/// Parses the command line, runs the command and returns the exit code.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_ERROR } else { EXIT_OK };
            let _ = e.print();
            return code;
        }
    };
    let code = match cli.command {
        Command::Update(args) => update::run(&args, cli.color),
        Command::Show(args) => show::run(&args, cli.color),
        Command::Check(args) => check::run(&args, cli.color),
        Command::Plan(args) => plan::run(&args, cli.color),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "fluxtask", &mut script);
            output::write_out(&String::from_utf8_lossy(&script));
            EXIT_OK
        }
        Command::Man { command } => man_page(command.as_deref()),
    };
    output::finish(code)
}

/// A file named on the command line, or standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Stdin { shown_as: String },
    Path(PathBuf),
}

impl Input {
    pub fn from_arg(path: &std::path::Path, stdin_name: &str) -> Input {
        if path.as_os_str() == "-" {
            Input::Stdin {
                shown_as: stdin_name.to_string(),
            }
        } else {
            Input::Path(path.to_path_buf())
        }
    }

    pub fn display(&self) -> String {
        match self {
            Input::Stdin { shown_as } => shown_as.clone(),
            Input::Path(p) => p.display().to_string(),
        }
    }

    pub fn read(&self) -> Result<String, crate::files::ReadError> {
        match self {
            Input::Stdin { .. } => crate::files::read_stdin(),
            Input::Path(p) => crate::files::read_path(p),
        }
    }
}

/// `fluxtask: error: PATH: message` on stderr.
pub fn print_error(color: bool, path: Option<&str>, message: &str) {
    let label = if color {
        "\x1b[1;31merror\x1b[0m"
    } else {
        "error"
    };
    match path {
        Some(path) => errln!("fluxtask: {label}: {path}: {message}"),
        None => errln!("fluxtask: {label}: {message}"),
    }
}
