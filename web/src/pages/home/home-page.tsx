/** Home: the money first (equity, PnL windows, daily profit), then open positions, copies, the bot and alerts. */
import { ProfitBars } from '../../components/profit-bars';
import { AlertsPanel, BotPanel, CopyActivityPanel, MoneyPanel, OpenPositionsPanel } from './home-panels';
import { useOverview } from './use-overview';

export function HomePage() {
  const { data, error } = useOverview();
  if (!data)
    return error ? (
      <p class="error" role="alert">
        The overview could not be loaded: {error}
      </p>
    ) : (
      <p aria-live="polite">Loading the overview…</p>
    );
  return (
    <div class="home">
      {error && (
        <p class="error" role="alert">
          Showing figures from {new Date(data.asOf).toLocaleTimeString()}: {error}
        </p>
      )}
      <div class="panels">
        <MoneyPanel o={data} />
        <section class="panel" aria-labelledby="profit-title">
          <h2 id="profit-title">Daily profit</h2>
          <ProfitBars bars={data.dailyProfit} />
        </section>
        <OpenPositionsPanel o={data} />
        <CopyActivityPanel o={data} />
        <BotPanel o={data} />
        <AlertsPanel o={data} />
      </div>
    </div>
  );
}
