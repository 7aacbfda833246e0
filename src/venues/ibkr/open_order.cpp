// openOrder (5) at server versions 157..178, after ib_async decoder.py Decoder.openOrder. The
// message is long and partly variable (combo legs, algo parameters, conditions): we read the
// fields we use by position, walk the variable sections by their counts up to the order state's
// status, and ignore everything after it.
#include <optional>
#include <string>

#include "venues/ibkr/responses.hpp"

namespace autotrader::ibkr {

namespace {

// A count of repeated groups of `group` fields; nullopt when the message cannot hold that many
// (a read error of the count itself stays in the reader and yields 0).
std::optional<std::size_t> read_count(FieldReader& r, std::size_t group, const char* name) {
  const std::int64_t n = r.integer(name);
  if (!r.ok()) return 0;
  if (n < 0 || static_cast<std::size_t>(n) > r.remaining() / group) return std::nullopt;
  return static_cast<std::size_t>(n);
}

}  // namespace

Expected<OpenOrder> decode_open_order(const Fields& fields, int server_version) {
  FieldReader r{fields, "openOrder", 1};  // no version field at server >= 145
  OpenOrder m;
  m.order_id = r.integer("orderId");
  m.contract = read_contract_without_primary(r);
  m.action = r.text("action");
  m.total_quantity = r.decimal("totalQuantity");
  m.order_type = r.text("orderType");
  m.lmt_price = r.optional_decimal("lmtPrice");
  m.aux_price = r.optional_decimal("auxPrice");
  m.tif = r.text("tif");
  m.oca_group = r.text("ocaGroup");
  m.account = r.text("account");
  r.skip(2, "openClose, origin");
  m.order_ref = r.text("orderRef");
  m.client_id = r.integer("clientId");
  m.perm_id = r.integer("permId");
  m.outside_rth = r.boolean("outsideRth");
  // hidden, discretionaryAmt, goodAfterTime, sharesAllocation, faGroup, faMethod, faPercentage
  r.skip(7, "hidden .. faPercentage");
  if (server_version < 177) r.skip(1, "faProfile");
  // modelCode, goodTillDate, rule80A, percentOffset, settlingFirm, shortSaleSlot,
  // designatedLocation, exemptCode, auctionStrategy, startingPrice, stockRefPrice, delta,
  // stockRangeLower, stockRangeUpper, displaySize, blockOrder, sweepToFill, allOrNone, minQty,
  // ocaType, eTradeOnly, firmQuoteOnly, nbboPriceCap
  r.skip(23, "modelCode .. nbboPriceCap");
  m.parent_id = r.integer("parentId");
  r.skip(3, "triggerMethod, volatility, volatilityType");
  const bool delta_neutral = !r.text("deltaNeutralOrderType").empty();
  r.skip(1, "deltaNeutralAuxPrice");
  if (delta_neutral) r.skip(8, "deltaNeutral order fields");
  // continuousUpdate, referencePriceType, trailStopPrice, trailingPercent, basisPoints,
  // basisPointsType, comboLegsDescrip
  r.skip(7, "continuousUpdate .. comboLegsDescrip");
  // Each count must fit in the fields left, so a corrupt count can neither loop for long nor
  // shift what follows into the status.
  const auto count_error = [](const char* name) {
    return make_error(errc::invalid_field,
                      std::string{"openOrder: "} + name + " exceeds the fields of the message");
  };
  const auto legs = read_count(r, 8, "comboLegsCount");
  if (!legs) return count_error("comboLegsCount");
  r.skip(*legs * 8, "comboLegs");
  const auto order_legs = read_count(r, 1, "orderComboLegsCount");
  if (!order_legs) return count_error("orderComboLegsCount");
  r.skip(*order_legs, "orderComboLegs");
  const auto params = read_count(r, 2, "smartComboRoutingParamsCount");
  if (!params) return count_error("smartComboRoutingParamsCount");
  r.skip(*params * 2, "smartComboRoutingParams");
  r.skip(2, "scaleInitLevelSize, scaleSubsLevelSize");
  const auto increment = r.optional_number("scalePriceIncrement");
  if (increment && *increment > 0) r.skip(7, "scale order fields");
  if (!r.text("hedgeType").empty()) r.skip(1, "hedgeParam");
  r.skip(4, "optOutSmartRouting, clearingAccount, clearingIntent, notHeld");
  if (r.boolean("deltaNeutralContract")) r.skip(3, "deltaNeutralContract");
  if (!r.text("algoStrategy").empty()) {
    const auto algo_params = read_count(r, 2, "algoParamsCount");
    if (!algo_params) return count_error("algoParamsCount");
    r.skip(*algo_params * 2, "algoParams");
  }
  r.skip(2, "solicited, whatIf");
  m.status = r.text("status");
  if (!r.ok()) return r.error();
  return m;
}

Expected<std::string> encode_open_order(const OpenOrder& m, int server_version) {
  FieldWriter w;
  w.integer(in_id::open_order).integer(m.order_id);
  write_contract_without_primary(w, m.contract);
  w.text(m.action, "action")
      .decimal(m.total_quantity)
      .text(m.order_type, "orderType")
      .optional_decimal(m.lmt_price)
      .optional_decimal(m.aux_price)
      .text(m.tif, "tif")
      .text(m.oca_group, "ocaGroup")
      .text(m.account, "account")
      .empty(2)  // openClose, origin
      .text(m.order_ref, "orderRef")
      .integer(m.client_id)
      .integer(m.perm_id)
      .boolean(m.outside_rth)
      .boolean(false)                    // hidden
      .empty(6);                         // discretionaryAmt .. faPercentage
  if (server_version < 177) w.empty(1);  // faProfile
  w.empty(23).integer(m.parent_id).empty(3);
  w.empty(2);  // deltaNeutralOrderType (none), deltaNeutralAuxPrice
  w.empty(7);
  w.integer(0).integer(0).integer(0);  // comboLegs, orderComboLegs, smartComboRoutingParams
  w.empty(3);                          // scaleInitLevelSize, scaleSubsLevelSize, increment
  w.empty(1);                          // hedgeType
  w.empty(4).boolean(false);           // optOutSmartRouting .. notHeld, deltaNeutralContract
  w.empty(1);                          // algoStrategy
  w.boolean(false).boolean(false);     // solicited, whatIf
  w.text(m.status, "status");
  // initMarginBefore .. equityWithLoanAfter (9), commission, minCommission, maxCommission,
  // commissionCurrency, warningText, randomizeSize, randomizePrice
  w.empty(9 + 5).boolean(false).boolean(false);
  w.integer(0);  // conditions
  // adjustedOrderType, triggerPrice, trailStopPrice, lmtPriceOffset, adjustedStopPrice,
  // adjustedStopLimitPrice, adjustedTrailingAmount, adjustableTrailingUnit, softDollarTier
  // name/value/displayName, cashQty, dontUseAutoPriceForHedge, isOmsContainer,
  // discretionaryUpToLimitPrice, usePriceMgmtAlgo
  w.empty(16);
  if (server_version >= 159) w.empty(1);  // duration
  if (server_version >= 160) w.empty(1);  // postToAts
  if (server_version >= 162) w.empty(1);  // autoCancelParent
  if (server_version >= 170) w.empty(5);  // minTradeQty .. midOffsetAtHalf
  return w.frame();
}

}  // namespace autotrader::ibkr
