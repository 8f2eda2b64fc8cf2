//! A small, bounded load test for `oasis serve` on loopback: C concurrent keep-alive clients send N
//! GET requests in all to each given path and the tool prints requests/s and latency percentiles.
//!
//!   oasis-load --addr 127.0.0.1:8080 --clients 50 --requests 20000 /api/networks/demo/results?time=3600 ...
//!
//! Any answer other than 200 counts as an error (and the exit status is 1).

use std::io::{Error, ErrorKind};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

struct Args {
    addr: String,
    clients: usize,
    requests: usize,
    paths: Vec<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args { addr: "127.0.0.1:8080".into(), clients: 50, requests: 20_000, paths: Vec::new() };
    let mut it = std::env::args().skip(1);
    while let Some(x) = it.next() {
        match x.as_str() {
            "--addr" => a.addr = it.next().ok_or("--addr needs a value")?,
            "--clients" => a.clients = it.next().and_then(|v| v.parse().ok()).ok_or("--clients needs a number")?,
            "--requests" => a.requests = it.next().and_then(|v| v.parse().ok()).ok_or("--requests needs a number")?,
            "-h" | "--help" => return Err("usage: oasis-load [--addr HOST:PORT] [--clients C] [--requests N] PATH...".into()),
            p => a.paths.push(p.to_string()),
        }
    }
    if a.paths.is_empty() || a.clients == 0 || a.requests == 0 {
        return Err("give at least one PATH, and clients and requests above 0".into());
    }
    Ok(a)
}

/// Reads one HTTP/1.1 response with a Content-Length body; returns its status.
async fn read_response(s: &mut TcpStream, buf: &mut Vec<u8>) -> std::io::Result<u16> {
    buf.clear();
    let mut tmp = [0u8; 65536];
    let head_end = loop {
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        let n = s.read(&mut tmp).await?;
        if n == 0 {
            return Err(Error::new(ErrorKind::UnexpectedEof, "connection closed"));
        }
        buf.extend_from_slice(&tmp[..n]);
    };
    let head = std::str::from_utf8(&buf[..head_end]).map_err(|_| Error::new(ErrorKind::InvalidData, "bad head"))?;
    let status: u16 = head.split(' ').nth(1).and_then(|s| s.parse().ok()).ok_or_else(|| Error::new(ErrorKind::InvalidData, "bad status"))?;
    let len: usize = head
        .lines()
        .find_map(|l| l.split_once(':').filter(|(k, _)| k.eq_ignore_ascii_case("content-length")).map(|(_, v)| v.trim().parse().unwrap_or(0)))
        .ok_or_else(|| Error::new(ErrorKind::InvalidData, "no content-length"))?;
    while buf.len() < head_end + len {
        let n = s.read(&mut tmp).await?;
        if n == 0 {
            return Err(Error::new(ErrorKind::UnexpectedEof, "connection closed in body"));
        }
        buf.extend_from_slice(&tmp[..n]);
    }
    Ok(status)
}

async fn client(addr: String, path: String, count: usize, errors: Arc<AtomicUsize>) -> Vec<Duration> {
    let mut lat = Vec::with_capacity(count);
    let Ok(mut s) = TcpStream::connect(&addr).await else {
        errors.fetch_add(count, Ordering::Relaxed);
        return lat;
    };
    let _ = s.set_nodelay(true);
    let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: keep-alive\r\n\r\n");
    let mut buf = Vec::with_capacity(1 << 16);
    for _ in 0..count {
        let t = Instant::now();
        if s.write_all(req.as_bytes()).await.is_err() {
            errors.fetch_add(1, Ordering::Relaxed);
            continue;
        }
        match read_response(&mut s, &mut buf).await {
            Ok(200) => lat.push(t.elapsed()),
            _ => {
                errors.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
    lat
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1e3
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> std::process::ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return std::process::ExitCode::from(2);
        }
    };
    let mut failed = false;
    println!("| path | clients | requests | errors | req/s | p50 ms | p90 ms | p99 ms | max ms |");
    println!("|---|---|---|---|---|---|---|---|---|");
    for path in &args.paths {
        let errors = Arc::new(AtomicUsize::new(0));
        // Warm-up: one request per client.
        let warm: Vec<_> = (0..args.clients).map(|_| tokio::spawn(client(args.addr.clone(), path.clone(), 1, Arc::new(AtomicUsize::new(0))))).collect();
        for w in warm {
            let _ = w.await;
        }
        let per = args.requests.div_ceil(args.clients);
        let start = Instant::now();
        let tasks: Vec<_> = (0..args.clients).map(|_| tokio::spawn(client(args.addr.clone(), path.clone(), per, errors.clone()))).collect();
        let mut lat = Vec::with_capacity(per * args.clients);
        for t in tasks {
            lat.extend(t.await.unwrap_or_default());
        }
        let wall = start.elapsed().as_secs_f64();
        lat.sort();
        let errs = errors.load(Ordering::Relaxed);
        failed |= errs > 0;
        println!(
            "| `{path}` | {} | {} | {errs} | {:.0} | {:.2} | {:.2} | {:.2} | {:.2} |",
            args.clients,
            lat.len() + errs,
            lat.len() as f64 / wall,
            pct(&lat, 0.50),
            pct(&lat, 0.90),
            pct(&lat, 0.99),
            pct(&lat, 1.0)
        );
    }
    if failed { std::process::ExitCode::from(1) } else { std::process::ExitCode::SUCCESS }
}
