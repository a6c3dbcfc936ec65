//! `gistemp::load` against small HTTP servers on 127.0.0.1.
#![cfg(feature = "download")]

use labkit::gistemp::{self, Source};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

const NASA_LAYOUT: &str = include_str!("fixtures/gistemp_global_land_ocean_nasa_layout.csv");
const TIMEOUT: Duration = Duration::from_secs(2);

/// Reads one request head (up to the blank line).
fn read_request(stream: &mut TcpStream) {
    let (mut head, mut byte) = (Vec::new(), [0u8; 1]);
    while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
        head.push(byte[0]);
    }
}

/// A server that answers every request with `status` and `body`; returns its URL.
fn serve(status: &'static str, body: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/graph.csv", listener.local_addr().unwrap());
    thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            read_request(&mut stream);
            let head = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
            let _ = stream.write_all(head.as_bytes()).and_then(|_| stream.write_all(body.as_bytes()));
        }
    });
    url
}

fn bundled_reason(source: Source) -> String {
    match source {
        Source::Bundled { reason } => reason,
        other => panic!("expected the bundled copy, got {other}"),
    }
}

#[test]
fn good_csv_is_downloaded() {
    let url = serve("200 OK", NASA_LAYOUT.to_string());
    let (df, source) = gistemp::load(&url, TIMEOUT);
    assert_eq!(source, Source::Downloaded(url));
    assert_eq!(df.height(), 143);
}

#[test]
fn silent_server_falls_back_after_the_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/graph.csv", listener.local_addr().unwrap());
    thread::spawn(move || {
        let _open: Vec<TcpStream> = listener.incoming().flatten().collect(); // accept, never answer
    });
    let start = Instant::now();
    let (df, source) = gistemp::load(&url, TIMEOUT);
    let elapsed = start.elapsed();
    assert!(elapsed >= TIMEOUT - Duration::from_millis(100), "gave up too early: {elapsed:?}");
    assert!(elapsed < TIMEOUT + Duration::from_secs(2), "gave up too late: {elapsed:?}");
    assert_eq!(df.height(), 143);
    assert_eq!(bundled_reason(source), format!("could not download {url}: timed out after 2 s"));
}

#[test]
fn html_page_with_status_200_is_rejected() {
    let url = serve("200 OK", "<!DOCTYPE html><html><body>Maintenance</body></html>".into());
    let (df, source) = gistemp::load(&url, TIMEOUT);
    assert_eq!(df.height(), 143);
    assert_eq!(bundled_reason(source), format!("could not download {url}: not GISTEMP CSV but an HTML page"));
}

#[test]
fn http_404_is_reported() {
    let url = serve("404 Not Found", "no such file".into());
    let reason = bundled_reason(gistemp::load(&url, TIMEOUT).1);
    assert_eq!(reason, format!("could not download {url}: the server answered HTTP 404 Not Found"));
}

#[test]
fn closed_port_falls_back_at_once() {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port(); // dropped: closed
    let url = format!("http://127.0.0.1:{port}/graph.csv");
    let start = Instant::now();
    let (df, source) = gistemp::load(&url, TIMEOUT);
    assert!(start.elapsed() < TIMEOUT, "{:?}", start.elapsed());
    assert_eq!(df.height(), 143);
    assert!(bundled_reason(source).starts_with(&format!("could not download {url}: ")));
}

#[test]
fn other_garbage_is_rejected_with_the_line_at_fault() {
    let url = serve("200 OK", "title\nYear,No_Smoothing\n1880,-0.16\n1881,oops\n".into());
    let reason = bundled_reason(gistemp::load(&url, TIMEOUT).1);
    let want = "not GISTEMP CSV (the body, line 4: could not read `oops` as a number in column No_Smoothing)";
    assert_eq!(reason, format!("could not download {url}: {want}"));
}

#[test]
fn oversized_body_is_refused() {
    let url = serve("200 OK", NASA_LAYOUT.repeat(1 + (1 << 20) / NASA_LAYOUT.len())); // just over 1 MB
    let reason = bundled_reason(gistemp::load(&url, TIMEOUT).1);
    assert!(reason.contains("larger than request limit: 1048576"), "{reason}");
}
