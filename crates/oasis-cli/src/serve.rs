//! `oasis serve` and `oasis users`: the web server and dashboard (`oasis-server`) and its users.

use std::io::BufRead;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Subcommand};

#[derive(Args)]
pub struct ServeArgs {
    /// Data directory (the user's data). Without it, `./oasis-data` is used and seeded with the
    /// demonstration city on first start.
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// Address to listen on (port 0 picks a free port; the address is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Reads need a login too (by default anyone who can reach the server may read).
    #[arg(long)]
    pub private: bool,
    /// Seed the demonstration city even with --db (into a store that holds none of its files).
    #[arg(long)]
    pub demo: bool,
    /// Keep everything — users, sessions, the write log, the meter data and the documents
    /// (networks, samples, tariffs) — in PostgreSQL (postgres://user:password@host/db) instead of
    /// the data directory.
    #[arg(long)]
    pub database: Option<String>,
}

pub fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let demo = args.demo || args.db.is_none();
    let data_dir = args.db.unwrap_or_else(|| PathBuf::from("oasis-data"));
    println!("data directory {}", data_dir.display());
    oasis_server::serve_blocking(oasis_server::Config { data_dir, addr: args.addr, private: args.private, demo, database: args.database })
}

#[derive(Subcommand)]
pub enum UsersCommand {
    /// Add a user, or change an existing user's role and password.
    Add(UserAddArgs),
}

#[derive(Args)]
pub struct UserAddArgs {
    pub name: String,
    /// viewer, operator or admin
    #[arg(long, default_value = "viewer")]
    pub role: String,
    /// Data directory of the server.
    #[arg(long, default_value = "oasis-data")]
    pub db: PathBuf,
    /// The password (else the environment variable OASIS_PASSWORD, else one line on standard input).
    #[arg(long)]
    pub password: Option<String>,
    /// The server's PostgreSQL database, if it keeps its users there.
    #[arg(long)]
    pub database: Option<String>,
}

pub fn users(cmd: UsersCommand) -> anyhow::Result<()> {
    match cmd {
        UsersCommand::Add(a) => {
            let password = match a.password.or_else(|| std::env::var("OASIS_PASSWORD").ok()) {
                Some(p) => p,
                None => {
                    let mut line = String::new();
                    std::io::stdin().lock().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            let created = oasis_server::add_user_cli(&a.db, a.database.as_deref(), &a.name, &a.role, &password)?;
            println!("{} user {} ({}) in {}", if created { "added" } else { "updated" }, a.name, a.role, a.db.display());
            Ok(())
        }
    }
}
