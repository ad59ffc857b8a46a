// What --enable-feature turns on for scraping.
export interface ScrapeFeatures {
  /** extra-scrape-metrics: scrape_timeout_seconds, scrape_sample_limit, scrape_body_size_bytes. */
  extraMetrics?: boolean;
  /** no-default-scrape-port: no :80 / :443 added to a port-less address. */
  noDefaultPort?: boolean;
  /** native-histograms: ask for the protobuf format first and take its native histograms. */
  nativeHistograms?: boolean;
}
